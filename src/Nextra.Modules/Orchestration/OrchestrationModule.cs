using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Orchestration.Stores;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Pump lifecycle: the flow supervisor, flow ownership (partitions and leases), the run recorder, idle stop, and the
/// start/stop/status API. It needs an <see cref="IFlowServicesFactory"/> (the Engine module's) and reacts to the
/// Flows module's change events.
/// </summary>
public static class OrchestrationModule
{
    public static IServiceCollection AddOrchestration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<OrchestrationOptions>().Bind(configuration.GetSection(OrchestrationOptions.Section))
            .Validate(o => o.IdleCheckSeconds > 0 && o.DrainSeconds >= 0 && o.RestoreParallelism > 0 && o.MaxAttempts > 0, "Orchestration options out of range")
            .ValidateOnStart();
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section))
            .Validate(o => o.Partitions is >= 1 and <= 4096, "cluster.partitions must be between 1 and 4096")
            .Validate(o => o.LeaseSeconds >= 3, "cluster.lease_seconds must be at least 3")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddTierDefaults(configuration); // idle stop and keep-alive per tier
        // The flow_runtime table is created by the triggers module's first inbox migration.
        services.AddMigrations("orchestration", typeof(OrchestrationModule).Assembly, Databases.Inbox, after: "triggers");
        services.AddStore<IFlowRuntimeStore, SqliteFlowRuntimeStore, PostgresFlowRuntimeStore>();
        services.AddStore<IFlowOwnership, EmbeddedFlowOwnership, PostgresFlowOwnership>();
        services.TryAddSingleton(sp => new HandlerRegistry(sp.GetServices<IHandlerFactory>()));
        services.TryAddSingleton<IFlowCompiler, PumpFlowCompiler>();
        // The pump refuses injected XML past the depth the webhook intake allows (the triggers module sets PumpLimits from
        // [triggers] max_xml_depth), so nothing acknowledged is refused later for it.
        services.AddOptions<PumpLimits>();
        services.TryAddSingleton<IFlowPumpFactory>(sp => new StreamPumpFactory(sp.GetRequiredService<HandlerRegistry>(),
            new PumpOptions { MaxXmlDepth = sp.GetRequiredService<IOptions<PumpLimits>>().Value.MaxXmlDepth }));
        services.TryAddSingleton<RunRecorder>();
        services.TryAddSingleton<FlowSupervisor>();
        services.TryAddSingleton<IFlowRuntime>(sp => sp.GetRequiredService<FlowSupervisor>());
        services.TryAddSingleton<IRunFailures, RecorderRunFailures>();
        // Downgrades never delete: flows above a lower tier's flows stop with reason over_plan_limit (a Tiers event).
        services.TryAddSingleton<PlanLimits>();
        services.AddSingleton<ITierChangeHandler>(sp => sp.GetRequiredService<PlanLimits>());
        services.AddSingleton<Flows.IFlowChangeHandler>(sp => sp.GetRequiredService<FlowSupervisor>());
        services.AddSingleton<ILiveRunSource>(sp => sp.GetRequiredService<FlowSupervisor>());
        services.TryAddSingleton<ClusterStatus>();
        services.AddHostedService<OrchestrationService>();
        services.AddHostedService<RuntimeGauges>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(OrchestrationJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapOrchestration(this IEndpointRouteBuilder app)
    {
        OrchestrationEndpoints.Map(app);
        return app;
    }
}
