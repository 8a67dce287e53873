using Nextra.Pump.Config;
using Nextra.Pump.Handlers;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Builds the services one running flow gets (tenant-scoped secrets, memory, egress…).
/// The pump's <see cref="Pump.Runtime.IFlowServicesProvider"/> only sees the definition, so
/// orchestration adapts this per flow with the tenant and flow id. Other modules replace the
/// default registration to supply their real secret resolver, memory store and guarded egress.
/// </summary>
public interface IFlowServicesFactory
{
    IFlowServices Create(string tenantId, string flowId, FlowDefinition flow, IRunEventSink events);

    /// <summary>Loads asynchronously what <see cref="Create"/> needs (e.g. the tenant's WASM modules) before a pump is built.</summary>
    Task PrepareAsync(string tenantId, string flowId, FlowDefinition flow, CancellationToken ct) => Task.CompletedTask;
}
