using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Triggers;

/// <summary>
/// Webhooks held at 100% of the month's executions (R10): durable, not counted, not run. A release moves the oldest
/// of a tenant's held runs into the inbox in one transaction (inbox row, monthly count and a <c>released</c> ledger
/// entry), so a held run is released once even when two instances release at the same moment.
/// </summary>
public interface IHeldRunStore : IHeldRunCount
{
    /// <summary>Holds the request unless the tenant already has <paramref name="max"/> held; false when full.</summary>
    Task<bool> HoldAsync(RunRequest request, int max, CancellationToken ct = default);

    /// <summary>A held request of the tenant, or null.</summary>
    Task<RunRequest?> FindAsync(string tenantId, string id, CancellationToken ct = default);

    /// <summary>Tenants that have held runs.</summary>
    Task<IReadOnlyList<string>> TenantsAsync(CancellationToken ct = default);

    /// <summary>
    /// Moves up to <paramref name="max"/> of the tenant's oldest held runs into the inbox, counted in the month of
    /// <paramref name="now"/> (their <c>CreatedAt</c> becomes <paramref name="now"/>); returns the moved requests, oldest first.
    /// </summary>
    Task<IReadOnlyList<RunRequest>> ReleaseAsync(string tenantId, int max, DateTimeOffset now, Func<string, int> partitionOf, CancellationToken ct = default);
}
