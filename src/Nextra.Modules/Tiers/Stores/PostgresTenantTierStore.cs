using Dapper;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tiers.Stores;

/// <summary><see cref="ITenantTierStore"/> on Postgres (hosted mode); the same SQL as SQLite.</summary>
internal sealed class PostgresTenantTierStore(IPostgresConnectionFactory db) : ITenantTierStore
{
    private const string SummarySelect = """
        SELECT t.id AS id, t.name AS name, t.tier AS tier,
               (SELECT COUNT(*) FROM memberships m WHERE m.tenant_id = t.id) AS users,
               (SELECT COUNT(*) FROM flows f WHERE f.tenant_id = t.id) AS flows
        FROM tenants t
        """;

    public async Task<IReadOnlyList<TenantTierRow>> ListSetTiersAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<TenantTierRow>("SELECT id, tier FROM tenants WHERE tier IS NOT NULL")).AsList();
    }

    public async Task<IReadOnlyList<TenantSummaryRow>> FindAsync(string idOrName, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<TenantSummaryRow>(SummarySelect + " WHERE t.id = @idOrName OR t.name = @idOrName ORDER BY t.created_at",
            new { idOrName })).AsList();
    }

    public async Task<bool> SetTierAsync(string tenantId, string? tier, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("UPDATE tenants SET tier = @tier WHERE id = @tenantId", new { tier, tenantId }) > 0;
    }

    public async Task<UsageCountsRow> CountsAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleAsync<UsageCountsRow>("""
            SELECT (SELECT COUNT(*) FROM flows WHERE tenant_id = @tenantId) AS flows,
                   (SELECT COUNT(*) FROM memberships WHERE tenant_id = @tenantId) AS members,
                   (SELECT COUNT(DISTINCT name) FROM wasm_modules WHERE tenant_id = @tenantId) AS modules
            """, new { tenantId });
    }

    public async Task<IReadOnlyList<TenantSummaryRow>> ListAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<TenantSummaryRow>(SummarySelect + " ORDER BY t.created_at")).AsList();
    }
}
