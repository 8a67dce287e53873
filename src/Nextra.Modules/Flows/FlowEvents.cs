using Nextra.Pump.Runtime;

namespace Nextra.Modules.Flows;

/// <summary>Something happened to a flow, published in-process by the Flows module after it has committed.</summary>
public abstract record FlowChange(string TenantId, string FlowId, string ChangedBy);

/// <summary>A new flow (create or import).</summary>
public sealed record FlowCreated(string TenantId, string FlowId, string ChangedBy, string Name) : FlowChange(TenantId, FlowId, ChangedBy);

/// <summary>A flow was updated (its YAML, name, description or canvas); <see cref="Version"/> is its current version.</summary>
public sealed record FlowSaved(string TenantId, string FlowId, string ChangedBy, long Version) : FlowChange(TenantId, FlowId, ChangedBy);

/// <summary>An old version was made current again (<see cref="Restored"/>), now version <see cref="Version"/>.</summary>
public sealed record FlowRestored(string TenantId, string FlowId, string ChangedBy, long Restored, long Version) : FlowChange(TenantId, FlowId, ChangedBy);

/// <summary>A flow and its versions were deleted.</summary>
public sealed record FlowDeleted(string TenantId, string FlowId, string ChangedBy) : FlowChange(TenantId, FlowId, ChangedBy);

/// <summary>
/// Reacts to flow changes (the orchestration reloads or stops a running flow, the audit log records them). Called in
/// turn after the change committed, before the API answers; an exception is logged and does not undo the change.
/// </summary>
public interface IFlowChangeHandler
{
    /// <summary>The reload report when this handler reloaded a running flow (it goes in the save's response), else null.</summary>
    Task<ReloadReport?> OnFlowChangedAsync(FlowChange change, CancellationToken ct);
}
