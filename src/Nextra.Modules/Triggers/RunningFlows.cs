using System.Collections.Concurrent;
using Nextra.Modules.Flows;
using Nextra.Modules.Orchestration;
using Nextra.Pump.Config;

namespace Nextra.Modules.Triggers;

/// <summary>A flow that accepts triggers: its tenant and the definition its triggers come from.</summary>
public sealed record RunningFlow(string TenantId, FlowDefinition Definition);

/// <summary>
/// Which flows accept triggers, on any instance: a flow this instance runs is answered from its supervisor; a flow
/// another instance runs is read from the flows table (stored status running) and compiled once per version. So is a
/// flow whose partition this instance has just taken over and not started yet: its triggers are acknowledged into the
/// inbox (not refused with 404) and run once the flow starts here.
/// </summary>
public sealed class RunningFlows(IFlowRuntime supervisor, IFlowCatalog catalog, IFlowCompiler compiler)
{
    private readonly ConcurrentDictionary<string, (long Version, FlowDefinition Definition)> _compiled = new(StringComparer.Ordinal);

    /// <summary>The running flow with this id whatever its tenant (anonymous webhooks: check the token next), or null.</summary>
    public async ValueTask<RunningFlow?> FindAsync(string flowId, CancellationToken ct)
    {
        if (supervisor.AcceptingTenant(flowId) is { } tenant && supervisor.ActiveDefinition(flowId) is { } active) return new RunningFlow(tenant, active);
        var flow = await catalog.FindForWebhookAsync(flowId, ct).ConfigureAwait(false);
        return flow is null ? null : Running(flow);
    }

    /// <summary>The tenant's flow when it accepts triggers now, else null.</summary>
    public async ValueTask<RunningFlow?> FindAsync(string tenantId, string flowId, CancellationToken ct)
    {
        if (supervisor.AcceptingTenant(flowId) == tenantId && supervisor.ActiveDefinition(flowId) is { } active) return new RunningFlow(tenantId, active);
        var flow = await catalog.GetAsync(tenantId, flowId, ct).ConfigureAwait(false);
        return flow is null ? null : Running(flow);
    }

    private RunningFlow? Running(FlowSnapshot flow)
    {
        if (flow.Status is not (FlowStatuses.Running or FlowStatuses.Starting)) return null;
        if (_compiled.TryGetValue(flow.Id, out var cached) && cached.Version == flow.Version) return new RunningFlow(flow.TenantId, cached.Definition);
        var compiled = compiler.Compile(flow.OrganismYaml).Flow;
        if (compiled is null) return null;
        _compiled[flow.Id] = (flow.Version, compiled);
        return new RunningFlow(flow.TenantId, compiled);
    }
}
