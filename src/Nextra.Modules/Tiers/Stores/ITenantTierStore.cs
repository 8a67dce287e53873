namespace Nextra.Modules.Tiers.Stores;

/// <summary>The <c>tier</c> column of the tenants table (NULL = the default tier).</summary>
internal interface ITenantTierStore
{
    /// <summary>Every tenant whose tier is set (the others are on the default tier).</summary>
    Task<IReadOnlyList<TenantTierRow>> ListSetTiersAsync(CancellationToken ct);

    /// <summary>Tenants by id or by name (a name may match several tenants).</summary>
    Task<IReadOnlyList<TenantSummaryRow>> FindAsync(string idOrName, CancellationToken ct);

    /// <summary>Sets (or with null clears) a tenant's tier; false when no such tenant.</summary>
    Task<bool> SetTierAsync(string tenantId, string? tier, CancellationToken ct);

    /// <summary>Flows, users and distinct WASM module names of one tenant (for <c>GET /api/usage</c>).</summary>
    Task<UsageCountsRow> CountsAsync(string tenantId, CancellationToken ct);

    /// <summary>Every tenant with its tier, user count and flow count.</summary>
    Task<IReadOnlyList<TenantSummaryRow>> ListAsync(CancellationToken ct);
}
