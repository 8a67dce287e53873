using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nextra.Modules.Common;

namespace Nextra.Modules.Sla;

/// <summary>The SLA dashboard's API: per-minute run rollups (kept by the runs module) and uptime samples, read per window.</summary>
public static class SlaModule
{
    public static IServiceCollection AddSla(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<SlaOptions>().Bind(configuration.GetSection(SlaOptions.Section))
            .Validate(o => o.SampleSeconds > 0, "sla.sample_seconds must be positive").ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SlaService>();
        services.AddHostedService<SlaSampler>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(SlaJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapSla(this IEndpointRouteBuilder app)
    {
        SlaEndpoints.Map(app);
        return app;
    }
}
