using Nextra.Modules.Storage;

namespace Nextra.Modules.Billing.Stores;

internal sealed class SqliteBillingStore(ISqliteConnectionFactory db) : IBillingStore
{
    public async Task<bool> TryClaimEventAsync(string eventId, string type, DateTimeOffset at, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        return c.Exec(BillingSql.ClaimEvent, ("id", eventId), ("type", type), ("at", SqliteCommands.Iso(at))) == 1;
    }

    public async Task ReleaseEventAsync(string eventId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        c.Exec("DELETE FROM billing_events WHERE event_id = @id", ("id", eventId));
    }

    public async Task<BillingAccount?> GetAsync(string tenantId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        return c.Query(BillingSql.Select + " WHERE tenant_id = @tenant", BillingSql.Map, ("tenant", tenantId)).FirstOrDefault();
    }

    public async Task<string?> TenantOfCustomerAsync(string customerId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        return c.Scalar("SELECT tenant_id FROM billing_accounts WHERE customer_id = @customer", ("customer", customerId)) as string;
    }

    public async Task<bool> SaveAsync(BillingAccount account, long? expectedVersion, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        return c.Exec(expectedVersion is null ? BillingSql.Insert : BillingSql.Update, BillingSql.Args(account, expectedVersion)) == 1;
    }

    public async Task<IReadOnlyList<BillingAccount>> ListPastDueAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        return c.Query(BillingSql.Select + " WHERE status = 'past_due' ORDER BY tenant_id", BillingSql.Map);
    }

    public async Task<IReadOnlyList<BillingAccount>> ListSubscribedAsync(IReadOnlyCollection<string> tiers, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        var all = c.Query(BillingSql.Select + " WHERE subscription_id IS NOT NULL AND customer_id IS NOT NULL AND status IN ('active', 'trialing', 'past_due') ORDER BY tenant_id",
            BillingSql.Map);
        return all.Where(a => a.PlanTier is not null && tiers.Contains(a.PlanTier)).ToList();
    }

    public async Task<long> ReportedAsync(string tenantId, string period, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        return c.Scalar("SELECT reported FROM billing_meter_reports WHERE tenant_id = @tenant AND period = @period", ("tenant", tenantId), ("period", period))
            is long n ? n : 0;
    }

    public async Task<bool> SetReportedAsync(string tenantId, string period, long from, long to, DateTimeOffset at, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        if (from == 0)
        {
            // First report of the period: the row may not exist yet; insert it or move it from 0.
            var inserted = c.Exec("INSERT INTO billing_meter_reports (tenant_id, period, reported, updated_at) VALUES (@tenant, @period, @to, @at) ON CONFLICT (tenant_id, period) DO NOTHING",
                ("tenant", tenantId), ("period", period), ("to", to), ("at", SqliteCommands.Iso(at)));
            if (inserted == 1) return true;
        }
        return c.Exec("UPDATE billing_meter_reports SET reported = @to, updated_at = @at WHERE tenant_id = @tenant AND period = @period AND reported = @from",
            ("tenant", tenantId), ("period", period), ("from", from), ("to", to), ("at", SqliteCommands.Iso(at))) == 1;
    }
}
