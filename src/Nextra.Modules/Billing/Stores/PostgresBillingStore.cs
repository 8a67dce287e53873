using Nextra.Modules.Storage;

namespace Nextra.Modules.Billing.Stores;

/// <summary><see cref="IBillingStore"/> on Postgres (hosted mode); the same SQL as SQLite.</summary>
internal sealed class PostgresBillingStore(IPostgresConnectionFactory db) : IBillingStore
{
    public async Task<bool> TryClaimEventAsync(string eventId, string type, DateTimeOffset at, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecAsync(null, BillingSql.ClaimEvent, ct, ("id", eventId), ("type", type), ("at", SqliteCommands.Iso(at))) == 1;
    }

    public async Task ReleaseEventAsync(string eventId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecAsync(null, "DELETE FROM billing_events WHERE event_id = @id", ct, ("id", eventId));
    }

    public async Task<BillingAccount?> GetAsync(string tenantId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync(null, BillingSql.Select + " WHERE tenant_id = @tenant", BillingSql.Map, ct, ("tenant", tenantId))).FirstOrDefault();
    }

    public async Task<string?> TenantOfCustomerAsync(string customerId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ScalarAsync(null, "SELECT tenant_id FROM billing_accounts WHERE customer_id = @customer", ct, ("customer", customerId)) as string;
    }

    public async Task<bool> SaveAsync(BillingAccount account, long? expectedVersion, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecAsync(null, expectedVersion is null ? BillingSql.Insert : BillingSql.Update, ct, BillingSql.Args(account, expectedVersion)) == 1;
    }

    public async Task<IReadOnlyList<BillingAccount>> ListPastDueAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryAsync(null, BillingSql.Select + " WHERE status = 'past_due' ORDER BY tenant_id", BillingSql.Map, ct);
    }

    public async Task<IReadOnlyList<BillingAccount>> ListSubscribedAsync(IReadOnlyCollection<string> tiers, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var all = await c.QueryAsync(null,
            BillingSql.Select + " WHERE subscription_id IS NOT NULL AND customer_id IS NOT NULL AND status IN ('active', 'trialing', 'past_due') ORDER BY tenant_id",
            BillingSql.Map, ct);
        return all.Where(a => a.PlanTier is not null && tiers.Contains(a.PlanTier)).ToList();
    }

    public async Task<long> ReportedAsync(string tenantId, string period, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ScalarAsync(null, "SELECT reported FROM billing_meter_reports WHERE tenant_id = @tenant AND period = @period", ct,
            ("tenant", tenantId), ("period", period)) is long n ? n : 0;
    }

    public async Task<bool> SetReportedAsync(string tenantId, string period, long from, long to, DateTimeOffset at, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (from == 0)
        {
            var inserted = await c.ExecAsync(null,
                "INSERT INTO billing_meter_reports (tenant_id, period, reported, updated_at) VALUES (@tenant, @period, @to, @at) ON CONFLICT (tenant_id, period) DO NOTHING",
                ct, ("tenant", tenantId), ("period", period), ("to", to), ("at", SqliteCommands.Iso(at)));
            if (inserted == 1) return true;
        }
        return await c.ExecAsync(null, "UPDATE billing_meter_reports SET reported = @to, updated_at = @at WHERE tenant_id = @tenant AND period = @period AND reported = @from",
            ct, ("tenant", tenantId), ("period", period), ("from", from), ("to", to), ("at", SqliteCommands.Iso(at))) == 1;
    }
}
