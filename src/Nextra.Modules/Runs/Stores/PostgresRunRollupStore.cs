using Nextra.Modules.Storage;

namespace Nextra.Modules.Runs.Stores;

/// <summary><see cref="IRunRollupStore"/> on Postgres (hosted mode), beside the traces.</summary>
internal sealed class PostgresRunRollupStore(IPostgresConnectionFactory db) : IRunRollupStore, IAsyncDisposable
{
    private readonly record struct Minute(string TenantId, string FlowId, DateTimeOffset At);

    /// <summary>One minute's additions: counts, histogram buckets and error codes (never mutated once made).</summary>
    private sealed record Delta(long Runs, long Succeeded, long Failed, long[] Buckets, IReadOnlyDictionary<string, long> Errors)
    {
        public static Delta Add(Delta a, Delta b)
        {
            var buckets = new long[a.Buckets.Length];
            for (var i = 0; i < buckets.Length; i++) buckets[i] = a.Buckets[i] + b.Buckets[i];
            var errors = new Dictionary<string, long>(a.Errors, StringComparer.Ordinal);
            foreach (var (code, n) in b.Errors) errors[code] = errors.GetValueOrDefault(code) + n;
            return new Delta(a.Runs + b.Runs, a.Succeeded + b.Succeeded, a.Failed + b.Failed, buckets, errors);
        }
    }

    private static readonly string UpsertSql = $"""
        INSERT INTO run_rollups(tenant_id, flow_id, minute, runs, succeeded, failed, {string.Join(", ", Buckets.Select(b => "b" + b))})
        VALUES(@t, @f, @m, @n, @s, @x, {string.Join(", ", Buckets.Select(b => "@b" + b))})
        ON CONFLICT (tenant_id, flow_id, minute) DO UPDATE SET runs = run_rollups.runs + excluded.runs,
            succeeded = run_rollups.succeeded + excluded.succeeded, failed = run_rollups.failed + excluded.failed,
            {string.Join(", ", Buckets.Select(b => $"b{b} = run_rollups.b{b} + excluded.b{b}"))}
        """;

    private static IEnumerable<int> Buckets => Enumerable.Range(0, RunRollups.BucketsMs.Length);

    // Runs finishing together on one flow all add to the same row: summed first and written in one transaction, they do
    // not queue on that row's lock one commit at a time.
    private readonly CoalescingWriter<Minute, Delta> _writer = new(Delta.Add, (sums, ct) => WriteAsync(db, sums, ct));

    public Task RecordRunAsync(string tenantId, string flowId, DateTimeOffset finishedAt, string status, long durationMs, string? errorCode,
        CancellationToken ct = default)
    {
        var buckets = new long[RunRollups.BucketsMs.Length];
        buckets[RunRollups.BucketOf(durationMs)] = 1;
        var errors = errorCode is null ? new Dictionary<string, long>() : new Dictionary<string, long>(StringComparer.Ordinal) { [errorCode] = 1 };
        return _writer.AddAsync(new Minute(tenantId, flowId, RunRollups.MinuteOf(finishedAt)),
            new Delta(1, status == "succeeded" ? 1 : 0, status == "failed" ? 1 : 0, buckets, errors));
    }

    private static async Task WriteAsync(IPostgresConnectionFactory db, IReadOnlyList<KeyValuePair<Minute, Delta>> sums, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        // In key order, so two instances writing the same minutes lock their rows in the same order (no deadlock).
        foreach (var (key, d) in sums.OrderBy(s => s.Key.TenantId, StringComparer.Ordinal).ThenBy(s => s.Key.FlowId, StringComparer.Ordinal)
                     .ThenBy(s => s.Key.At))
        {
            var args = new List<(string, object?)> { ("t", key.TenantId), ("f", key.FlowId), ("m", key.At), ("n", d.Runs), ("s", d.Succeeded), ("x", d.Failed) };
            args.AddRange(Buckets.Select(b => ("b" + b, (object?)d.Buckets[b])));
            await c.ExecAsync(tx, UpsertSql, ct, [.. args]).ConfigureAwait(false);
            foreach (var (code, n) in d.Errors.OrderBy(e => e.Key, StringComparer.Ordinal))
                await c.ExecAsync(tx, """
                    INSERT INTO run_rollup_errors(tenant_id, flow_id, minute, code, count) VALUES(@t, @f, @m, @c, @n)
                    ON CONFLICT (tenant_id, flow_id, minute, code) DO UPDATE SET count = run_rollup_errors.count + excluded.count
                    """, ct, ("t", key.TenantId), ("f", key.FlowId), ("m", key.At), ("c", code), ("n", n)).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

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
