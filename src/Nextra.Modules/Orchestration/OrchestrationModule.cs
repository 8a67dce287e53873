using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Tiers;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Orchestration;

/// <summary>Pump lifecycle: the flow supervisor, boot restore and inbox recovery, idle stop, start/stop/status API.</summary>
public static class OrchestrationModule
{
    /// <summary>
    /// Needs <see cref="IFlowCatalog"/> (default: the flows table), <see cref="IFlowCompiler"/> and
    /// <see cref="Pump.Runtime.IFlowPumpFactory"/> (defaults: the pump's loader and StreamPump with every
    /// registered <see cref="IHandlerFactory"/>), <see cref="IFlowServicesFactory"/> (default: no secrets, no memory).
    /// Register replacements before or after: defaults use TryAdd.
    /// </summary>
    public static IServiceCollection AddOrchestration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OrchestrationOptions>().Bind(configuration.GetSection(OrchestrationOptions.Section))
            .Validate(o => o.IdleCheckSeconds > 0 && o.DrainSeconds >= 0 && o.RestoreParallelism > 0, "Orchestration options out of range")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddTierDefaults(configuration); // idle stop and keep-alive per tier
        services.TryAddSingleton(sp => new HandlerRegistry(sp.GetServices<IHandlerFactory>()));
        services.TryAddSingleton<IFlowCompiler, PumpFlowCompiler>();
        // The pump refuses injected XML past the depth the webhook intake allows, so nothing acknowledged is refused later for it.
        services.TryAddSingleton<IFlowPumpFactory>(sp => new StreamPumpFactory(sp.GetRequiredService<HandlerRegistry>(),
            new PumpOptions { MaxXmlDepth = sp.GetRequiredService<IOptions<Triggers.TriggersOptions>>().Value.MaxXmlDepth }));
        services.TryAddSingleton<IFlowServicesFactory, ServerFlowServicesFactory>();
        services.TryAddSingleton<IFlowCatalog, FlowsCatalogAdapter>();
        services.TryAddSingleton<FlowSupervisor>();
        services.TryAddSingleton<IFlowSavedHook>(sp => sp.GetRequiredService<FlowSupervisor>());
        services.AddHostedService<OrchestrationService>();
        services.AddSingleton<IStartupFilter, SaveWatcherStartupFilter>();
        return services;
    }

    private sealed class SaveWatcherStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<FlowSaveWatcher>();
            next(app);
        };
    }

    public static IEndpointRouteBuilder MapOrchestration(this IEndpointRouteBuilder app)
    {
        OrchestrationEndpoints.Map(app);
        return app;
    }
}
