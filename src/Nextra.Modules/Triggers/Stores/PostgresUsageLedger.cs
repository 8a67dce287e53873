using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Npgsql;

namespace Nextra.Modules.Triggers.Stores;

/// <summary>
/// <see cref="IUsageLedger"/> on Postgres: acceptance entries are in the inbox's append batch
/// (<see cref="PostgresInboxStore"/>); a refund is one statement that writes the −1 entry and takes one off a shard
/// of the monthly count only when that entry was written (a second refund of the run writes nothing).
/// </summary>
internal sealed class PostgresUsageLedger(IPostgresConnectionFactory db) : IUsageLedger
{
    public async Task<string?> RefundAsync(string tenantId, string runId, string reason, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        // Two refunds of one run at once (two instances) serialise here, so the NOT EXISTS below sees the first.
        await c.LockAsync(tx, "usage_refund:" + tenantId + ":" + runId, ct).ConfigureAwait(false);
        var period = await c.ScalarAsync(tx, """
            WITH refund AS (
                INSERT INTO usage_ledger(tenant_id, period, unit, qty, flow_id, run_id, reason, at)
                SELECT tenant_id, period, unit, -1, flow_id, run_id, @reason, @at FROM usage_ledger
                WHERE tenant_id = @t AND unit = 'execution' AND run_id = @r AND qty > 0
                  AND NOT EXISTS (SELECT 1 FROM usage_ledger WHERE tenant_id = @t AND unit = 'execution' AND run_id = @r AND qty < 0)
                LIMIT 1
                ON CONFLICT DO NOTHING
                RETURNING period),
            counted AS (
                INSERT INTO monthly_executions(tenant_id, month, shard, count) SELECT @t, period, @shard, -1 FROM refund
                ON CONFLICT(tenant_id, month, shard) DO UPDATE SET count = monthly_executions.count - 1
                RETURNING month)
            SELECT month FROM counted
            """, ct, ("t", tenantId), ("r", runId), ("reason", reason), ("at", SqliteCommands.Iso(at)), ("shard", PostgresInboxStore.AnyShard()))
            .ConfigureAwait(false) as string;
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return period;
    }

    public async Task RecordAsync(string tenantId, string period, string unit, long qty, string? flowId, string runId, string reason, DateTimeOffset at,
        CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await c.ExecAsync(null, """
            INSERT INTO usage_ledger(tenant_id, period, unit, qty, flow_id, run_id, reason, at) VALUES(@t, @p, @u, @q, @f, @r, @reason, @at)
            ON CONFLICT DO NOTHING
            """, ct, ("t", tenantId), ("p", period), ("u", unit), ("q", qty), ("f", flowId), ("r", runId), ("reason", reason),
            ("at", SqliteCommands.Iso(at))).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UsageLedgerEntry>> ListAsync(string tenantId, DateTimeOffset? from, DateTimeOffset? to, long? cursor, int limit,
        CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return await c.QueryAsync(null, """
            SELECT id, at, period, unit, qty, flow_id, run_id, reason FROM usage_ledger
            WHERE tenant_id = @t AND (@c::bigint IS NULL OR id < @c::bigint) AND (@from::text IS NULL OR at >= @from::text)
              AND (@to::text IS NULL OR at < @to::text)
            ORDER BY id DESC LIMIT @n
            """, Read, ct, ("t", tenantId), ("c", cursor), ("from", from is { } f ? SqliteCommands.Iso(f) : null),
            ("to", to is { } u ? SqliteCommands.Iso(u) : null), ("n", limit)).ConfigureAwait(false);
    }

    public async Task<long> SumAsync(string tenantId, string unit, string period, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (long)(await c.ScalarAsync(null, "SELECT COALESCE(SUM(qty), 0)::bigint FROM usage_ledger WHERE tenant_id = @t AND unit = @u AND period = @p", ct,
            ("t", tenantId), ("u", unit), ("p", period)).ConfigureAwait(false))!;
    }

    private static UsageLedgerEntry Read(NpgsqlDataReader r) => new(r.GetInt64(0), SqliteCommands.ParseIso(r.GetString(1)), r.GetString(2),
        r.GetString(3), r.GetInt64(4), r.StringOrNull(5), r.GetString(6), r.GetString(7));
}
