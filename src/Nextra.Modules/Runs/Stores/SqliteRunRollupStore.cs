using Microsoft.Data.Sqlite;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Runs.Stores;

/// <summary><see cref="IRunRollupStore"/> in <c>traces.db</c> (SQLite).</summary>
internal sealed class SqliteRunRollupStore(ISqliteConnectionFactory db, SqliteBatchWriters writers) : IRunRollupStore
{
    /// <summary>
    /// Joins the traces database's group commit (one transaction for every trace and rollup written together) instead of
    /// a transaction of its own per run: those waited for the write lock the trace batches hold and blocked a thread each.
    /// </summary>
    public Task RecordRunAsync(string tenantId, string flowId, DateTimeOffset finishedAt, string status, long durationMs, string? errorCode,
        CancellationToken ct = default) =>
        writers.For(Databases.Traces).WriteAsync((c, tx) => Add(c, tx, tenantId, flowId, finishedAt, status, durationMs, errorCode));

    /// <summary>Adds one finished run to its minute inside <paramref name="tx"/> (the trace store's batch writes it with the trace).</summary>
    internal static void Add(SqliteConnection c, SqliteTransaction tx, string tenantId, string flowId, DateTimeOffset finishedAt, string status,
        long durationMs, string? errorCode)
    {
        var bucket = "b" + RunRollups.BucketOf(durationMs).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var minute = SqliteCommands.Iso(RunRollups.MinuteOf(finishedAt));
        var succeeded = status == "succeeded" ? 1 : 0;
        var failed = status == "failed" ? 1 : 0;
        c.ExecCached(tx, $"""
            INSERT INTO run_rollups(tenant_id, flow_id, minute, runs, succeeded, failed, {bucket}) VALUES($t, $f, $m, 1, $s, $x, 1)
            ON CONFLICT(tenant_id, flow_id, minute) DO UPDATE SET runs = runs + 1, succeeded = succeeded + excluded.succeeded,
                failed = failed + excluded.failed, {bucket} = {bucket} + 1
            """, ("$t", tenantId), ("$f", flowId), ("$m", minute), ("$s", succeeded), ("$x", failed));
        if (errorCode is not null)
            c.ExecCached(tx, """
                INSERT INTO run_rollup_errors(tenant_id, flow_id, minute, code, count) VALUES($t, $f, $m, $c, 1)
                ON CONFLICT(tenant_id, flow_id, minute, code) DO UPDATE SET count = count + 1
                """, ("$t", tenantId), ("$f", flowId), ("$m", minute), ("$c", errorCode));
    }

    public async Task MarkRunningAsync(string tenantId, string flowId, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        c.Exec("INSERT OR IGNORE INTO flow_running_minutes(tenant_id, flow_id, minute) VALUES($t, $f, $m)",
            ("$t", tenantId), ("$f", flowId), ("$m", SqliteCommands.Iso(RunRollups.MinuteOf(at))));
    }

    public async Task<IReadOnlyList<FlowRollup>> SinceAsync(string tenantId, DateTimeOffset since, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        var from = SqliteCommands.Iso(RunRollups.MinuteOf(since));
        var runs = c.Query("""
            SELECT flow_id, SUM(runs), SUM(succeeded), SUM(failed), SUM(b0), SUM(b1), SUM(b2), SUM(b3), SUM(b4), SUM(b5), SUM(b6), SUM(b7), SUM(b8), SUM(b9), SUM(b10), SUM(b11), SUM(b12), SUM(b13), SUM(b14), SUM(b15)
            FROM run_rollups WHERE tenant_id = $t AND minute >= $since GROUP BY flow_id
            """, r => (Flow: r.GetString(0), Runs: r.GetInt64(1), Ok: r.GetInt64(2), Failed: r.GetInt64(3),
                Buckets: Enumerable.Range(4, RunRollups.BucketsMs.Length).Select(r.GetInt64).ToArray()), ("$t", tenantId), ("$since", from));
        var errors = c.Query("""
            SELECT flow_id, code, SUM(count) FROM run_rollup_errors WHERE tenant_id = $t AND minute >= $since GROUP BY flow_id, code
            """, r => (Flow: r.GetString(0), Code: r.GetString(1), Count: r.GetInt64(2)), ("$t", tenantId), ("$since", from));
        var running = c.Query("""
            SELECT flow_id, COUNT(*) FROM flow_running_minutes WHERE tenant_id = $t AND minute >= $since GROUP BY flow_id
            """, r => (Flow: r.GetString(0), Minutes: r.GetInt64(1)), ("$t", tenantId), ("$since", from));
        return RollupMerge.Merge(runs.Select(x => (x.Flow, x.Runs, x.Ok, x.Failed, x.Buckets)), errors.Select(x => (x.Flow, x.Code, x.Count)),
            running.Select(x => (x.Flow, x.Minutes)));
    }
}
