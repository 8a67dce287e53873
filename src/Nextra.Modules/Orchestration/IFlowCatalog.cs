namespace Nextra.Modules.Orchestration;

/// <summary>A flow as orchestration needs it (same shape as the Flows module's FlowSnapshot).</summary>
public sealed record FlowInfo(string Id, string TenantId, string Name, string OrganismYaml, long Version, string Status);

/// <summary>
/// Orchestration's view of the flows table (owned by the Flows module): read flows, persist the
/// lifecycle status. Tenant-scoped; <see cref="ListByStatusAsync"/> is the one cross-tenant call (boot).
/// </summary>
public interface IFlowCatalog
{
    Task<FlowInfo?> GetAsync(string tenantId, string flowId, CancellationToken ct);

    /// <summary>Sets <c>stopped|starting|running|stopping|error</c>; false when the flow does not exist.</summary>
    Task<bool> SetStatusAsync(string tenantId, string flowId, string status, CancellationToken ct);

    Task<IReadOnlyList<FlowInfo>> ListByStatusAsync(string status, CancellationToken ct);
}
