namespace Nextra.Modules.Flows;

/// <summary>A flow as other modules (orchestration, triggers, runs) see it.</summary>
public sealed record FlowSnapshot(string Id, string TenantId, string Name, string OrganismYaml, long Version, string Status)
{
    /// <summary>When the flow itself was last changed (a save, a restore; not a start or stop).</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>
/// Read access to flows and control of their <c>status</c> for other modules. Tenant-scoped like
/// everything else; <see cref="ListByStatusAsync"/> is the one cross-tenant call (restart on boot).
/// </summary>
public interface IFlowCatalog
{
    Task<FlowSnapshot?> GetAsync(string tenantId, string flowId, CancellationToken ct);

    /// <summary>Sets <c>stopped|starting|running|stopping|error</c>; false when the flow does not exist.</summary>
    Task<bool> SetStatusAsync(string tenantId, string flowId, string status, CancellationToken ct);

    Task<IReadOnlyList<FlowSnapshot>> ListByStatusAsync(string status, CancellationToken ct);

    /// <summary>Every flow of the tenant (the plan limits count the running ones).</summary>
    Task<IReadOnlyList<FlowSnapshot>> ListForTenantAsync(string tenantId, CancellationToken ct) => Task.FromResult<IReadOnlyList<FlowSnapshot>>([]);

    /// <summary>
    /// A flow by id alone, whatever its tenant: only for an anonymous webhook, whose secret token is checked against
    /// the flow right after (the flow id in its URL is all the request carries).
    /// </summary>
    Task<FlowSnapshot?> FindForWebhookAsync(string flowId, CancellationToken ct);
}
