using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nextra.Modules.Alerts.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Alerts;

/// <summary>The seed's four alerts (pump crash, error rate, memory pressure, stuck flow), their channels and notifications.</summary>
public static class AlertsModule
{
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<AlertsOptions>().Bind(configuration.GetSection(AlertsOptions.Section))
            .Validate(o => o.EvaluationSeconds > 0 && o.WindowMinutes > 0 && o.ErrorRatePercent >= 0 && o.MinRuns >= 1 && o.MemoryPercent > 0
                && o.FlowMemoryBytes >= 0 && o.StuckMinutes > 0 && o.DeliveryAttempts >= 1 && o.DeliveryPollSeconds > 0,
                "alerts settings must be positive (min_runs and delivery_attempts at least 1)")
            .ValidateOnStart();
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddMigrations("alerts", typeof(AlertsModule).Assembly);
        services.AddStore<IAlertStore, SqliteAlertStore, PostgresAlertStore>();
        services.TryAddSingleton<AlertSender>();
        services.TryAddSingleton<AlertEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        services.TryAddSingleton<AlertNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertNotifier>());
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(AlertsJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        AlertsEndpoints.Map(app);
        return app;
    }
}
