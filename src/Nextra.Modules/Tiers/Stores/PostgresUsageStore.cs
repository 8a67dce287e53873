using Nextra.Modules.Storage;

namespace Nextra.Modules.Tiers.Stores;

/// <summary><see cref="IUsageStore"/> on Postgres (hosted mode); the same SQL as SQLite.</summary>
internal sealed class PostgresUsageStore(IPostgresConnectionFactory db) : IUsageStore, IAsyncDisposable
{
    // Every run of a tenant adds to the same month's row: summed first and written in one transaction, concurrent runs do
    // not queue on that row's lock one commit at a time.
    private readonly CoalescingWriter<(string Tenant, string Period), UsageDelta> _writer = new((a, b) => a + b, async (sums, ct) =>
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        foreach (var ((tenant, period), delta) in sums.OrderBy(s => s.Key.Tenant, StringComparer.Ordinal).ThenBy(s => s.Key.Period, StringComparer.Ordinal))
            await c.ExecAsync(tx, UsageSql.Add, ct, UsageSql.Args(tenant, period, delta));
        await tx.CommitAsync(ct);
    });

    public Task AddAsync(string tenantId, string period, UsageDelta delta, CancellationToken ct) => _writer.AddAsync((tenantId, period), delta);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    public async Task<IReadOnlyList<UsageMonth>> RangeAsync(string tenantId, string fromPeriod, string toPeriod, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryAsync(null, UsageSql.Range, UsageSql.Map, ct, ("tenant", tenantId), ("from", fromPeriod), ("to", toPeriod));
    }
}
