namespace Nextra.Modules.Flows.Stores;

/// <summary>Flows and versions. Every method takes the tenant; rows of other tenants do not exist for it.</summary>
internal interface IFlowStore
{
    Task<IReadOnlyList<FlowRow>> ListAsync(string tenantId, CancellationToken ct);

    Task<FlowRow?> GetAsync(string tenantId, string id, CancellationToken ct);

    /// <summary>
    /// Inserts the flow and its version row in one transaction; false (nothing inserted) when the tenant
    /// already has <paramref name="maxFlows"/> flows (null = no limit). Count and insert do not interleave.
    /// </summary>
    Task<bool> InsertAsync(FlowRow flow, FlowVersionRow version, long? maxFlows, CancellationToken ct);

    Task<long> CountAsync(string tenantId, CancellationToken ct);

    /// <summary>
    /// Applies <paramref name="change"/> to the current row inside one write transaction; when it returns a
    /// version row, that row is recorded too. Returns the updated row, or null when the flow is not the tenant's.
    /// </summary>
    Task<FlowRow?> UpdateAsync(string tenantId, string id, Func<FlowRow, FlowVersionRow?> change, CancellationToken ct);

    Task<bool> DeleteAsync(string tenantId, string id, CancellationToken ct);

    Task<IReadOnlyList<FlowVersionRow>> ListVersionsAsync(string tenantId, string flowId, CancellationToken ct);

    Task<FlowVersionRow?> GetVersionAsync(string tenantId, string flowId, long version, CancellationToken ct);

    Task<bool> SetStatusAsync(string tenantId, string id, string status, CancellationToken ct);

    Task<IReadOnlyList<FlowRow>> ListByStatusAsync(string status, CancellationToken ct);

    /// <summary>A flow by id alone (anonymous webhooks, whose token is checked next).</summary>
    Task<FlowRow?> FindByIdAsync(string id, CancellationToken ct);
}
