using Microsoft.Data.Sqlite;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Triggers.Stores;

/// <summary>
/// <see cref="IUsageLedger"/> on SQLite: the table lives in <c>inbox.db</c> beside <c>monthly_executions</c>, so an
/// acceptance entry commits with its inbox row (<see cref="SqliteInboxStore"/>) and a refund with the count it gives back.
/// </summary>
internal sealed class SqliteUsageLedger(ISqliteConnectionFactory db, SqliteBatchWriters writers) : IUsageLedger
{
    private SqliteBatchWriter Writer => writers.For(Databases.Inbox);

    public async Task<string?> RefundAsync(string tenantId, string runId, string reason, DateTimeOffset at, CancellationToken ct = default)
    {
        string? period = null;
        await Writer.WriteAsync((c, tx) =>
        {
            using (var refund = c.Command("""
                INSERT OR IGNORE INTO usage_ledger(tenant_id, period, unit, qty, flow_id, run_id, reason, at)
                SELECT tenant_id, period, unit, -1, flow_id, run_id, $reason, $at FROM usage_ledger
                WHERE tenant_id = $t AND unit = 'execution' AND run_id = $r AND qty > 0
                  AND NOT EXISTS (SELECT 1 FROM usage_ledger WHERE tenant_id = $t AND unit = 'execution' AND run_id = $r AND qty < 0)
                LIMIT 1
                RETURNING period
                """, tx, ("$t", tenantId), ("$r", runId), ("$reason", reason), ("$at", SqliteCommands.Iso(at))))
            {
                period = refund.ExecuteScalar() as string;
            }
            if (period is not null)
            {
                c.Exec(tx, "UPDATE monthly_executions SET count = count - 1 WHERE tenant_id = $t AND month = $m", ("$t", tenantId), ("$m", period));
            }
        }).ConfigureAwait(false);
        return period;
    }

    public Task RecordAsync(string tenantId, string period, string unit, long qty, string? flowId, string runId, string reason, DateTimeOffset at,
        CancellationToken ct = default) =>
        Writer.WriteAsync((c, tx) => c.ExecCached(tx, """
            INSERT OR IGNORE INTO usage_ledger(tenant_id, period, unit, qty, flow_id, run_id, reason, at)
            VALUES($t, $p, $u, $q, $f, $r, $reason, $at)
            """, ("$t", tenantId), ("$p", period), ("$u", unit), ("$q", qty), ("$f", flowId), ("$r", runId), ("$reason", reason),
            ("$at", SqliteCommands.Iso(at))));

    public async Task<IReadOnlyList<UsageLedgerEntry>> ListAsync(string tenantId, DateTimeOffset? from, DateTimeOffset? to, long? cursor, int limit,
        CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Query("""
            SELECT id, at, period, unit, qty, flow_id, run_id, reason FROM usage_ledger
            WHERE tenant_id = $t AND ($c IS NULL OR id < $c) AND ($from IS NULL OR at >= $from) AND ($to IS NULL OR at < $to)
            ORDER BY id DESC LIMIT $n
            """, Read, ("$t", tenantId), ("$c", cursor), ("$from", from is { } f ? SqliteCommands.Iso(f) : null),
            ("$to", to is { } u ? SqliteCommands.Iso(u) : null), ("$n", limit));
    }

    public async Task<long> SumAsync(string tenantId, string unit, string period, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false);
        return c.Scalar("SELECT COALESCE(SUM(qty), 0) FROM usage_ledger WHERE tenant_id = $t AND unit = $u AND period = $p",
            ("$t", tenantId), ("$u", unit), ("$p", period)) is long n ? n : 0;
    }

    /// <summary>The +1 execution entry of a run whose inbox row (and monthly count) <paramref name="tx"/> writes.</summary>
    internal static void Counted(SqliteConnection c, SqliteTransaction tx, string tenantId, string period, string flowId, string runId, string reason,
        DateTimeOffset at) =>
        c.ExecCached(tx, """
            INSERT OR IGNORE INTO usage_ledger(tenant_id, period, unit, qty, flow_id, run_id, reason, at)
            VALUES($t, $p, 'execution', 1, $f, $r, $reason, $at)
            """, ("$t", tenantId), ("$p", period), ("$f", flowId), ("$r", runId), ("$reason", reason), ("$at", SqliteCommands.Iso(at)));

    private static UsageLedgerEntry Read(SqliteDataReader r) => new(r.GetInt64(0), SqliteCommands.ParseIso(r.GetString(1)), r.GetString(2),
        r.GetString(3), r.GetInt64(4), r.StringOrNull(5), r.GetString(6), r.GetString(7));
}
