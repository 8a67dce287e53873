using Nextra.Modules.Storage;

namespace Nextra.Modules.Tiers.Stores;

internal sealed class SqliteUsageStore(ISqliteConnectionFactory db) : IUsageStore
{
    public async Task AddAsync(string tenantId, string period, UsageDelta delta, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        c.Exec(UsageSql.Add, UsageSql.Args(tenantId, period, delta));
    }

    public async Task<IReadOnlyList<UsageMonth>> RangeAsync(string tenantId, string fromPeriod, string toPeriod, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        return c.Query(UsageSql.Range, UsageSql.Map, ("tenant", tenantId), ("from", fromPeriod), ("to", toPeriod));
    }
}
