namespace Nextra.Modules.Orchestration;

/// <summary>A flow as orchestration needs it: owner, document and persisted status.</summary>
public sealed record FlowInfo(string Id, string TenantId, string Name, string OrganismYaml, string Status);

/// <summary>
/// Orchestration's view of the flows table (owned by the Flows module): read flows, persist the
/// lifecycle status. Implemented over the control-plane database; tests use an in-memory one.
/// </summary>
public interface IFlowCatalog
{
    /// <summary>The flow, whatever its tenant (callers check the tenant), or null.</summary>
    Task<FlowInfo?> FindAsync(string flowId, CancellationToken ct);

    /// <summary>Flows whose persisted status is one of <paramref name="statuses"/>.</summary>
    Task<IReadOnlyList<FlowInfo>> ListByStatusAsync(IReadOnlyList<string> statuses, CancellationToken ct);

    Task SetStatusAsync(string flowId, string status, CancellationToken ct);

    /// <summary>Number of flows per status (for <c>nextra_flows_total</c>).</summary>
    Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(CancellationToken ct);
}
