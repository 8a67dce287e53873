using Nextra.Modules.Storage;

namespace Nextra.Modules.Tiers.Stores;

/// <summary>
/// <see cref="IUsageStore"/> on SQLite (the control-plane database). Additions join that database's group-commit writer
/// (one transaction for every run that finished meanwhile, on the writer's open connection: no open and pragmas per
/// batch, one thread hop fewer than a summing queue in front of it).
/// </summary>
internal sealed class SqliteUsageStore(ISqliteConnectionFactory db, SqliteBatchWriters writers) : IUsageStore
{
    public Task AddAsync(string tenantId, string period, UsageDelta delta, CancellationToken ct)
    {
        var args = UsageSql.Args(tenantId, period, delta);
        return writers.For(Databases.ControlPlane).WriteAsync((c, tx) => c.ExecCached(tx, UsageSql.Add, args));
    }

    public async Task<IReadOnlyList<UsageMonth>> RangeAsync(string tenantId, string fromPeriod, string toPeriod, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        return c.Query(UsageSql.Range, UsageSql.Map, ("tenant", tenantId), ("from", fromPeriod), ("to", toPeriod));
    }
}
