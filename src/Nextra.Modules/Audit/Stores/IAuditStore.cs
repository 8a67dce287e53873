namespace Nextra.Modules.Audit.Stores;

/// <summary>The append-only audit log, always addressed by tenant.</summary>
internal interface IAuditStore
{
    Task AppendAsync(AuditRow row, CancellationToken ct);

    /// <summary>The tenant's newest entries with ids below <paramref name="before"/> (null = newest), optionally of one action.</summary>
    Task<IReadOnlyList<AuditRow>> ListAsync(string tenantId, string? before, int limit, string? action, CancellationToken ct);

    /// <summary>Tenants that have entries older than <paramref name="olderThan"/> (retention walks them).</summary>
    Task<IReadOnlyList<string>> TenantsWithEntriesBeforeAsync(string olderThan, CancellationToken ct);

    /// <summary>Deletes the tenant's entries older than <paramref name="olderThan"/>; the only way rows leave.</summary>
    Task<int> DeleteBeforeAsync(string tenantId, string olderThan, CancellationToken ct);
}
