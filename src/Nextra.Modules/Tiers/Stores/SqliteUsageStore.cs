using Nextra.Modules.Storage;

namespace Nextra.Modules.Tiers.Stores;

internal sealed class SqliteUsageStore(ISqliteConnectionFactory db) : IUsageStore, IAsyncDisposable
{
    // Summed per tenant and month, one transaction for every run that finished meanwhile (see CoalescingWriter).
    private readonly CoalescingWriter<(string Tenant, string Period), UsageDelta> _writer = new((a, b) => a + b, async (sums, ct) =>
    {
        await using var c = await db.OpenAsync(ct: ct);
        using var tx = c.BeginTransaction();
        foreach (var ((tenant, period), delta) in sums)
            c.Exec(tx, UsageSql.Add, UsageSql.Args(tenant, period, delta));
        tx.Commit();
    });

    public Task AddAsync(string tenantId, string period, UsageDelta delta, CancellationToken ct) => _writer.AddAsync((tenantId, period), delta);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    public async Task<IReadOnlyList<UsageMonth>> RangeAsync(string tenantId, string fromPeriod, string toPeriod, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct: ct);
        return c.Query(UsageSql.Range, UsageSql.Map, ("tenant", tenantId), ("from", fromPeriod), ("to", toPeriod));
    }
}
