using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nextra.Modules.Common;

namespace Nextra.Modules.Observability;

/// <summary>Metrics, live events (SignalR hub, SSE logs).</summary>
public static class ObservabilityModule
{
    public static IServiceCollection AddObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.Section))
            .Validate(o => o.MaxFlowSeries >= 0, "metrics.max_flow_series must not be negative")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Metrics>();
        services.TryAddSingleton<ProcessMemory>();
        // Embedded default; hosted mode adds the backplane-backed publisher (the last registration wins).
        services.TryAddSingleton<LiveEventBus>();
        services.TryAddSingleton<ILiveEvents>(sp => sp.GetRequiredService<LiveEventBus>());
        services.TryAddSingleton<HubPresence>();
        services.TryAddSingleton<LogStreams>();
        services.AddSingleton<ILiveEventSink>(sp => sp.GetRequiredService<LogStreams>());
        services.AddSingleton<ILiveEventSink, SignalRLiveSink>();
        // Hub arguments go through the source-generated context, so the JSON protocol works under Native AOT.
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, ObservabilityJsonContext.Default));
        services.AddHostedService<ProcessGauges>();
        TelemetryRegistration.AddTelemetry(services, configuration);
        // The API request counter wraps the whole pipeline without an edit to the composition root.
        services.AddSingleton<IStartupFilter, ApiMetricsStartupFilter>();
        return services;
    }

    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder app)
    {
        ObservabilityEndpoints.Map(app);
        return app;
    }

    private sealed class ApiMetricsStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<ApiRequestMetrics>();
            next(app);
        };
    }
}
