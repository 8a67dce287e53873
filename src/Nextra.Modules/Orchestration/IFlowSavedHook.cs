using Nextra.Pump.Runtime;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// What the Flows module calls after it has saved or deleted a flow (the only coupling between
/// the two): a running flow hot-reloads; an invalid save leaves the running version untouched.
/// </summary>
public interface IFlowSavedHook
{
    /// <summary>Returns the pump's reload report when the flow is running (asleep flows report too), else null.</summary>
    Task<ReloadReport?> FlowSavedAsync(string flowId, CancellationToken ct);

    /// <summary>Stops the flow if it runs and forgets its run-time state.</summary>
    Task FlowDeletedAsync(string flowId, CancellationToken ct);
}
