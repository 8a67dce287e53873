using Nextra.Modules.Storage;

namespace Nextra.Modules.Runs.Stores;

/// <summary><see cref="IRunRollupStore"/> on Postgres (hosted mode), beside the traces.</summary>
internal sealed class PostgresRunRollupStore(IPostgresConnectionFactory db) : IRunRollupStore
{
    public async Task RecordRunAsync(string tenantId, string flowId, DateTimeOffset finishedAt, string status, long durationMs, string? errorCode,
        CancellationToken ct = default)
    {
        var bucket = "b" + RunRollups.BucketOf(durationMs).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var minute = RunRollups.MinuteOf(finishedAt);
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await c.ExecAsync(tx, $"""
            INSERT INTO run_rollups(tenant_id, flow_id, minute, runs, succeeded, failed, {bucket}) VALUES(@t, @f, @m, 1, @s, @x, 1)
            ON CONFLICT (tenant_id, flow_id, minute) DO UPDATE SET runs = run_rollups.runs + 1, succeeded = run_rollups.succeeded + excluded.succeeded,
                failed = run_rollups.failed + excluded.failed, {bucket} = run_rollups.{bucket} + 1
            """, ct, ("t", tenantId), ("f", flowId), ("m", minute), ("s", status == "succeeded" ? 1L : 0L), ("x", status == "failed" ? 1L : 0L))
            .ConfigureAwait(false);
        if (errorCode is not null)
            await c.ExecAsync(tx, """
                INSERT INTO run_rollup_errors(tenant_id, flow_id, minute, code, count) VALUES(@t, @f, @m, @c, 1)
                ON CONFLICT (tenant_id, flow_id, minute, code) DO UPDATE SET count = run_rollup_errors.count + 1
                """, ct, ("t", tenantId), ("f", flowId), ("m", minute), ("c", errorCode)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task MarkRunningAsync(string tenantId, string flowId, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await c.ExecAsync(null, "INSERT INTO flow_running_minutes(tenant_id, flow_id, minute) VALUES(@t, @f, @m) ON CONFLICT DO NOTHING", ct,
            ("t", tenantId), ("f", flowId), ("m", RunRollups.MinuteOf(at))).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<FlowRollup>> SinceAsync(string tenantId, DateTimeOffset since, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        var from = RunRollups.MinuteOf(since);
        var runs = await c.QueryAsync(null, """
            SELECT flow_id, SUM(runs)::bigint, SUM(succeeded)::bigint, SUM(failed)::bigint, SUM(b0)::bigint, SUM(b1)::bigint, SUM(b2)::bigint, SUM(b3)::bigint, SUM(b4)::bigint, SUM(b5)::bigint, SUM(b6)::bigint, SUM(b7)::bigint, SUM(b8)::bigint, SUM(b9)::bigint, SUM(b10)::bigint, SUM(b11)::bigint, SUM(b12)::bigint, SUM(b13)::bigint, SUM(b14)::bigint, SUM(b15)::bigint
            FROM run_rollups WHERE tenant_id = @t AND minute >= @since GROUP BY flow_id
            """, r => (Flow: r.GetString(0), Runs: r.GetInt64(1), Ok: r.GetInt64(2), Failed: r.GetInt64(3),
                Buckets: Enumerable.Range(4, RunRollups.BucketsMs.Length).Select(r.GetInt64).ToArray()), ct, ("t", tenantId), ("since", from)).ConfigureAwait(false);
        var errors = await c.QueryAsync(null, """
            SELECT flow_id, code, SUM(count)::bigint FROM run_rollup_errors WHERE tenant_id = @t AND minute >= @since GROUP BY flow_id, code
            """, r => (Flow: r.GetString(0), Code: r.GetString(1), Count: r.GetInt64(2)), ct, ("t", tenantId), ("since", from)).ConfigureAwait(false);
        var running = await c.QueryAsync(null, """
            SELECT flow_id, COUNT(*) FROM flow_running_minutes WHERE tenant_id = @t AND minute >= @since GROUP BY flow_id
            """, r => (Flow: r.GetString(0), Minutes: r.GetInt64(1)), ct, ("t", tenantId), ("since", from)).ConfigureAwait(false);
        return RollupMerge.Merge(runs.Select(x => (x.Flow, x.Runs, x.Ok, x.Failed, x.Buckets)), errors.Select(x => (x.Flow, x.Code, x.Count)),
            running.Select(x => (x.Flow, x.Minutes)));
    }
}
