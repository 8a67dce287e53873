using Nextra.Modules.Storage;

namespace Nextra.Modules.Tiers.Stores;

/// <summary><see cref="IUsageStore"/> on Postgres (hosted mode); the same SQL as SQLite.</summary>
internal sealed class PostgresUsageStore(IPostgresConnectionFactory db) : IUsageStore
{
    public async Task AddAsync(string tenantId, string period, UsageDelta delta, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecAsync(null, UsageSql.Add, ct, UsageSql.Args(tenantId, period, delta));
    }

    public async Task<IReadOnlyList<UsageMonth>> RangeAsync(string tenantId, string fromPeriod, string toPeriod, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryAsync(null, UsageSql.Range, UsageSql.Map, ct, ("tenant", tenantId), ("from", fromPeriod), ("to", toPeriod));
    }
}
