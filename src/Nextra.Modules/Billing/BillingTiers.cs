using Microsoft.Extensions.Logging;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Billing;

/// <summary>
/// The tier a tenant's billing state gives it, applied through the Tiers module (which invalidates every instance's
/// tier cache at once): an active or trialing subscription gets its plan's tier; a past-due one keeps it for
/// <c>grace_days</c>; anything else gets <c>free_tier</c>.
/// </summary>
internal sealed class BillingTiers(IBillingStore store, BillingOptions options, ITierAssignment tiers, TimeProvider time, ILogger<BillingTiers> logger)
{
    public string EffectiveTier(BillingAccount account, DateTimeOffset now) => account.Status switch
    {
        BillingStatuses.Active or BillingStatuses.Trialing => account.PlanTier ?? options.FreeTier,
        BillingStatuses.PastDue when GraceEndsAt(account) is { } end && now < end => account.PlanTier ?? options.FreeTier,
        _ => options.FreeTier,
    };

    /// <summary>When a past-due tenant drops to the free tier, or null when not past due.</summary>
    public DateTimeOffset? GraceEndsAt(BillingAccount account) =>
        account.Status == BillingStatuses.PastDue && account.PastDueSince is { } since ? since.AddDays(options.GraceDays) : null;

    public Task<bool> TenantExistsAsync(string tenantId, CancellationToken ct) => tiers.TenantExistsAsync(tenantId, ct);

    /// <summary>Sets the tenant's tier to what its billing state gives it now.</summary>
    public async Task FollowAsync(string tenantId, CancellationToken ct)
    {
        var account = await store.GetAsync(tenantId, ct).ConfigureAwait(false);
        if (account is null) return;
        var tier = EffectiveTier(account, time.GetUtcNow());
        var before = (await tiers.ForTenantAsync(tenantId, ct).ConfigureAwait(false)).Name;
        await tiers.SetTierAsync(tenantId, tier, ct).ConfigureAwait(false);
        if (before != tier) logger.LogInformation("Tenant {TenantId} moved from tier {Before} to {Tier} (billing status {Status})", tenantId, before, tier, account.Status);
    }

    /// <summary>Drops past-due tenants whose grace has ended to the free tier; returns how many moved.</summary>
    public async Task<int> SweepGraceAsync(CancellationToken ct)
    {
        var moved = 0;
        var now = time.GetUtcNow();
        foreach (var account in await store.ListPastDueAsync(ct).ConfigureAwait(false))
        {
            if (GraceEndsAt(account) is not { } end || now < end) continue;
            if ((await tiers.ForTenantAsync(account.TenantId, ct).ConfigureAwait(false)).Name == options.FreeTier) continue;
            await FollowAsync(account.TenantId, ct).ConfigureAwait(false);
            moved++;
        }
        return moved;
    }
}
