using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Modules.Triggers.Stores;

namespace Nextra.Modules.Triggers;

/// <summary>Durable inbox, webhooks, manual inject and schedules.</summary>
public static class TriggersModule
{
    public static IServiceCollection AddTriggers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TriggersOptions>().Bind(configuration.GetSection(TriggersOptions.Section))
            .Validate(o => o.WebhookRatePerSecond > 0 && o.WebhookBurst >= 1 && o.MaxBodyBytes > 0 && o.MaxXmlDepth is > 0 and <= 10_000,
                "Triggers limits must be positive (max_xml_depth at most 10000)")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new InboxStore(Path.Combine(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDir, sp.GetRequiredService<IOptions<TriggersOptions>>().Value.InboxFile)));
        services.TryAddSingleton<WebhookTokens>();
        services.AddSingleton<IFlowRuntimeListener>(sp => sp.GetRequiredService<WebhookTokens>());
        services.TryAddSingleton<ScheduleService>();
        services.AddSingleton<IFlowRuntimeListener>(sp => sp.GetRequiredService<ScheduleService>());
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleService>());
        services.TryAddSingleton<WebhookRateLimiter>();
        services.AddTierDefaults(configuration);
        services.TryAddSingleton<ExecutionMeter>();
        services.TryAddSingleton<TriggerIntake>();
        return services;
    }

    public static IEndpointRouteBuilder MapTriggers(this IEndpointRouteBuilder app)
    {
        TriggerEndpoints.Map(app);
        return app;
    }
}
