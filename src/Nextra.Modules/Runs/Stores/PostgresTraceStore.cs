using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Pump.Runs;
using Npgsql;

namespace Nextra.Modules.Runs.Stores;

/// <summary>
/// <see cref="ITraceStore"/> on Postgres (hosted mode): the same tables as SQLite's <c>traces.db</c>. A trace is one
/// transaction sent as one batch; under a lease its first statement writes the run only while
/// <c>partition_leases</c> still holds that epoch for that owner, and a refused write rolls back and throws
/// <see cref="FencedWriteException"/> (a paused instance cannot overwrite the new owner's trace). Log lines are
/// queued and inserted in batches by one background writer. Retention deletes in batches; autovacuum reclaims space.
/// </summary>
internal sealed class PostgresTraceStore(IPostgresConnectionFactory db, IRunRollupStore rollups, ILogger<PostgresTraceStore> logger) : ITraceStore, IAsyncDisposable
{
    private const string SummaryColumns = "run_id, flow_id, trigger, status, started_at, duration_ms, step_count, error_code, error_message";
    private const int LogBatch = 500;

    private readonly Channel<FlowLogEntry> _logs = Channel.CreateUnbounded<FlowLogEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private Task? _logWriter;

    public async Task SaveAsync(TraceEntry entry, LeaseFence fence, CancellationToken ct = default)
    {
        await WriteAsync(entry, fence, ct).ConfigureAwait(false);
        var run = entry.Run;
        if (!TraceEntry.IsFinal(run.Status)) return;
        // After the trace's connection went back to the pool: the rollups' writer needs one of its own.
        try
        {
            await rollups.RecordRunAsync(entry.TenantId, entry.FlowId, TraceEntry.FinishedAt(run), run.Status, run.DurationMs, run.Error?.Code, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The trace is durable: a lost count is an SLA minute short by one, not a reason to run the request again.
            logger.LogWarning(ex, "Run {RunId}: SLA rollup not recorded", run.RunId);
        }
    }

    private async Task WriteAsync(TraceEntry entry, LeaseFence fence, CancellationToken ct)
    {
        var run = entry.Run;
        var tenant = entry.TenantId;
        var encoded = TraceCodec.Encode(entry);
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(c, tx);
        // No wait for the WAL flush: a trace lost with a Postgres crash is repaired by the inbox, whose row is deleted
        // only after this commit (later in the same WAL), so the run is simply run again; the acknowledging append
        // stays synchronous.
        Command(batch, "SET LOCAL synchronous_commit = off");
        // Replaces a trace left half-way by a run re-dispatched after a crash (never a final one: see recovery).
        var head = Command(batch, $"""
            INSERT INTO runs(run_id, tenant_id, flow_id, trigger, status, started_at, duration_ms, step_count, error_code, error_message, outputs, injection)
            SELECT @r, @t, @f, @tr, @s, @at, @d, @sc, @ec, @em, @o, @i
            {(fence.IsNone ? "" : "WHERE EXISTS (SELECT 1 FROM partition_leases l WHERE l.partition = @p AND l.epoch = @e AND l.owner = @me)")}
            ON CONFLICT (run_id) DO UPDATE SET tenant_id = excluded.tenant_id, flow_id = excluded.flow_id, trigger = excluded.trigger,
                status = excluded.status, started_at = excluded.started_at, duration_ms = excluded.duration_ms, step_count = excluded.step_count,
                error_code = excluded.error_code, error_message = excluded.error_message, outputs = excluded.outputs, injection = excluded.injection
            """,
            ("r", run.RunId), ("t", tenant), ("f", entry.FlowId), ("tr", entry.Trigger), ("s", run.Status),
            ("at", SqliteCommands.Iso(run.StartedAt)), ("d", run.DurationMs), ("sc", run.Steps.Count), ("ec", run.Error?.Code),
            ("em", run.Error?.Message), ("o", encoded.Outputs), ("i", encoded.Injection));
        if (!fence.IsNone)
        {
            head.Parameters.AddWithValue("p", fence.Partition);
            head.Parameters.AddWithValue("e", fence.Epoch);
            head.Parameters.AddWithValue("me", fence.Owner);
        }
        Command(batch, "DELETE FROM steps WHERE run_id = @r AND tenant_id = @t", ("r", run.RunId), ("t", tenant));
        Command(batch, "DELETE FROM payloads WHERE run_id = @r AND tenant_id = @t", ("r", run.RunId), ("t", tenant));

        if (encoded.Payloads.Count > 0)
        {
            Command(batch, """
                INSERT INTO payloads(run_id, n, body, tenant_id)
                SELECT @r, p.n, p.body, @t FROM unnest(@ns, @bodies) AS p(n, body)
                """, ("r", run.RunId), ("t", tenant), ("ns", Enumerable.Range(0, encoded.Payloads.Count).ToArray()), ("bodies", encoded.Payloads.ToArray()));
        }
        foreach (var (step, payloadIn, outs) in encoded.Steps)
        {
            Command(batch, """
                INSERT INTO steps(run_id, idx, listener, from_name, to_name, class, thread, started_at, duration_ms, payload_in, payloads_out,
                                  fuel, prompt_tokens, completion_tokens, model, cost_usd, error_code, error_message, tenant_id)
                VALUES(@r, @i, @l, @f, @to, @c, @th, @at, @d, @pi, @po, @fu, @pt, @ct, @m, @cost, @ec, @em, @t)
                """,
                ("r", run.RunId), ("i", step.Index), ("l", step.Listener), ("f", step.From), ("to", step.To), ("c", step.Class),
                ("th", step.Thread), ("at", SqliteCommands.Iso(step.StartedAt)), ("d", step.DurationMs), ("pi", payloadIn), ("po", outs),
                ("fu", step.Fuel is { } fuel ? (long)fuel : null), ("pt", step.PromptTokens is { } pt ? (long)pt : null),
                ("ct", step.CompletionTokens is { } ctk ? (long)ctk : null), ("m", step.Model),
                ("cost", step.CostUsd?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("ec", step.Error?.Code), ("em", step.Error?.Message), ("t", tenant));
        }
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        if (!fence.IsNone && head.RecordsAffected == 0)
        {
            await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw new FencedWriteException(fence);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand Command(NpgsqlBatch batch, string sql, params (string Name, object? Value)[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        batch.BatchCommands.Add(command);
        return command;
    }

    public async Task<RunView?> GetAsync(string tenantId, string runId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        var head = await c.QueryAsync(null, $"SELECT {SummaryColumns}, outputs, injection FROM runs WHERE run_id = @r AND tenant_id = @t",
            r => (Summary: ReadSummary(r), Outputs: r.GetString(9), Injection: r.GetString(10)), ct, ("r", runId), ("t", tenantId)).ConfigureAwait(false);
        if (head.Count == 0) return null;
        var (summary, outputs, injection) = head[0];
        var bodies = (await c.QueryAsync(null, "SELECT n, body FROM payloads WHERE run_id = @r AND tenant_id = @t", r => (r.GetInt32(0), r.GetString(1)), ct,
            ("r", runId), ("t", tenantId)).ConfigureAwait(false)).ToDictionary(p => p.Item1, p => p.Item2);
        var steps = await c.QueryAsync(null, """
            SELECT idx, listener, from_name, to_name, class, thread, started_at, duration_ms, payload_in, payloads_out,
                   fuel, prompt_tokens, completion_tokens, model, cost_usd, error_code, error_message
            FROM steps WHERE run_id = @r AND tenant_id = @t ORDER BY idx
            """, r => ReadStep(r, bodies), ct, ("r", runId), ("t", tenantId)).ConfigureAwait(false);
        return new RunView
        {
            RunId = summary.RunId, FlowId = summary.FlowId, Trigger = summary.Trigger, Status = summary.Status,
            StartedAt = summary.StartedAt, DurationMs = summary.DurationMs, Error = summary.Error, Steps = steps,
            Outputs = TraceCodec.DecodeOutputs(outputs, bodies),
            TraceId = TraceParents.TraceIdOf(TraceCodec.ReadInjection(injection).TraceParent),
        };
    }

    public async Task<RunOutcomes> OutcomesSinceAsync(string tenantId, string flowId, DateTimeOffset since, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (await c.QueryAsync(null, """
            SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'failed') FROM runs
            WHERE tenant_id = @t AND flow_id = @f AND started_at >= @since AND status IN ('succeeded', 'failed')
            """, r => new RunOutcomes((int)r.GetInt64(0), (int)r.GetInt64(1)), ct, ("t", tenantId), ("f", flowId), ("since", SqliteCommands.Iso(since)))
            .ConfigureAwait(false))[0];
    }

    public async Task<RunSummary?> GetSummaryAsync(string tenantId, string runId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (await c.QueryAsync(null, $"SELECT {SummaryColumns} FROM runs WHERE run_id = @r AND tenant_id = @t", ReadSummary, ct,
            ("r", runId), ("t", tenantId)).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlySet<string>> FinishedAmongAsync(string tenantId, IReadOnlyCollection<string> runIds, CancellationToken ct = default)
    {
        if (runIds.Count == 0) return new HashSet<string>();
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync(null, "SELECT run_id FROM runs WHERE tenant_id = @t AND run_id = ANY(@ids) AND status <> 'running'",
            r => r.GetString(0), ct, ("t", tenantId), ("ids", runIds.ToArray())).ConfigureAwait(false);
        return rows.ToHashSet(StringComparer.Ordinal);
    }

    public async Task<RecordedInjection?> GetInjectionAsync(string tenantId, string runId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        if (await c.ScalarAsync(null, "SELECT injection FROM runs WHERE run_id = @r AND tenant_id = @t", ct, ("r", runId), ("t", tenantId))
            .ConfigureAwait(false) is not string json) return null;
        var stored = TraceCodec.ReadInjection(json);
        var bodies = (await c.QueryAsync(null, "SELECT n, body FROM payloads WHERE run_id = @r AND tenant_id = @t AND n IN (@x, @j)",
            r => (r.GetInt32(0), r.GetString(1)), ct, ("r", runId), ("t", tenantId), ("x", stored.PayloadXmlRef ?? -1), ("j", stored.PayloadJsonRef ?? -1))
            .ConfigureAwait(false)).ToDictionary(p => p.Item1, p => p.Item2);
        return TraceCodec.DecodeInjection(stored, bodies);
    }

    public async Task<RunPage> ListAsync(string tenantId, string flowId, RunQuery query, CancellationToken ct = default)
    {
        var limit = Math.Clamp(query.Limit, 1, 200);
        var where = new List<string> { "tenant_id = @t", "flow_id = @f" };
        var args = new List<(string, object?)> { ("t", tenantId), ("f", flowId), ("n", limit + 1) };
        if (query.Before is { } before) { where.Add("run_id < @b"); args.Add(("b", before)); }
        if (query.Status is { } status) { where.Add("status = @s"); args.Add(("s", status)); }
        if (query.Since is { } since) { where.Add("started_at >= @since"); args.Add(("since", SqliteCommands.Iso(since))); }
        if (query.Until is { } until) { where.Add("started_at < @until"); args.Add(("until", SqliteCommands.Iso(until))); }
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        var items = await c.QueryAsync(null, $"SELECT {SummaryColumns} FROM runs WHERE {string.Join(" AND ", where)} ORDER BY run_id DESC LIMIT @n",
            ReadSummary, ct, [.. args]).ConfigureAwait(false);
        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            next = items[^1].RunId;
        }
        return new RunPage(items, next);
    }

    public async Task<IReadOnlyDictionary<string, RunSummary>> LatestAsync(string tenantId, IReadOnlyCollection<string> flowIds, CancellationToken ct = default)
    {
        var result = new Dictionary<string, RunSummary>(StringComparer.Ordinal);
        if (flowIds.Count == 0) return result;
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        var latest = await c.QueryAsync(null, $"""
            SELECT l.* FROM unnest(@flows) AS f(id)
            CROSS JOIN LATERAL (SELECT {SummaryColumns} FROM runs WHERE tenant_id = @t AND flow_id = f.id ORDER BY run_id DESC LIMIT 1) l
            """, ReadSummary, ct, ("t", tenantId), ("flows", flowIds.ToArray())).ConfigureAwait(false);
        foreach (var summary in latest) result[summary.FlowId] = summary;
        return result;
    }

    public async Task<int> ApplyRetentionAsync(Func<string, RetentionPolicy> policyForTenant, DateTimeOffset now, int batchSize, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        var flows = await c.QueryAsync(null, "SELECT DISTINCT tenant_id, flow_id FROM runs", r => (Tenant: r.GetString(0), Flow: r.GetString(1)), ct)
            .ConfigureAwait(false);
        var deleted = 0;
        foreach (var (tenant, flow) in flows)
        {
            ct.ThrowIfCancellationRequested();
            var policy = policyForTenant(tenant);
            var cutoff = SqliteCommands.Iso(now.AddDays(-policy.MaxAgeDays));
            while (true)
            {
                // Oldest first: past the per-flow count, or older than the cutoff; one short transaction per batch.
                var ids = await c.QueryAsync(null, """
                    SELECT run_id FROM runs WHERE tenant_id = @t AND flow_id = @f AND (started_at < @cut OR run_id <= COALESCE(
                        (SELECT run_id FROM runs WHERE tenant_id = @t AND flow_id = @f ORDER BY run_id DESC LIMIT 1 OFFSET @max), ''))
                    ORDER BY run_id LIMIT @n
                    """, r => r.GetString(0), ct, ("t", tenant), ("f", flow), ("cut", cutoff), ("max", (long)policy.MaxRunsPerFlow), ("n", batchSize))
                    .ConfigureAwait(false);
                if (ids.Count == 0) break;
                await using (var batch = new NpgsqlBatch(c))
                {
                    foreach (var table in (string[])["payloads", "steps", "runs"])
                        Command(batch, $"DELETE FROM {table} WHERE tenant_id = @t AND run_id = ANY(@ids)", ("t", tenant), ("ids", ids.ToArray()));
                    await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                deleted += ids.Count;
                if (ids.Count < batchSize) break;
            }
        }
        await PruneLogsAsync(c, policyForTenant, now, ct).ConfigureAwait(false);
        return deleted;
    }

    private static async Task PruneLogsAsync(NpgsqlConnection c, Func<string, RetentionPolicy> policyForTenant, DateTimeOffset now, CancellationToken ct)
    {
        var flows = await c.QueryAsync(null, "SELECT DISTINCT tenant_id, flow_id FROM logs", r => (Tenant: r.GetString(0), Flow: r.GetString(1)), ct)
            .ConfigureAwait(false);
        foreach (var (tenant, flow) in flows)
        {
            var cutoff = SqliteCommands.Iso(now.AddDays(-policyForTenant(tenant).MaxAgeDays));
            await c.ExecAsync(null, """
                DELETE FROM logs WHERE tenant_id = @t AND flow_id = @f AND (at < @cut OR seq <= COALESCE(
                    (SELECT seq FROM logs WHERE tenant_id = @t AND flow_id = @f ORDER BY seq DESC LIMIT 1 OFFSET @keep), -1))
                """, ct, ("t", tenant), ("f", flow), ("cut", cutoff), ("keep", (long)SqliteTraceStore.LogsKeptPerFlow)).ConfigureAwait(false);
        }
    }

    public async Task<long> SizeBytesAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        return (long)(await c.ScalarAsync(null, """
            SELECT COALESCE(SUM(pg_total_relation_size(t)), 0)::bigint FROM unnest(ARRAY['runs', 'steps', 'payloads', 'logs']::regclass[]) AS t
            """, ct).ConfigureAwait(false))!;
    }

    public async Task<HistoryUsage> UsageAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        // The relations keep their size after deletes (autovacuum reuses the space), so the live rows are measured.
        var usage = await c.QueryAsync(null, """
            SELECT ((SELECT COALESCE(SUM(pg_column_size(r.*)), 0) FROM runs r)
                 + (SELECT COALESCE(SUM(pg_column_size(s.*)), 0) FROM steps s)
                 + (SELECT COALESCE(SUM(pg_column_size(p.*)), 0) FROM payloads p)
                 + (SELECT COALESCE(SUM(pg_column_size(l.*)), 0) FROM logs l))::bigint,
                   (SELECT COUNT(*) FROM runs)
            """, r => new HistoryUsage(r.GetInt64(0), r.GetInt64(1)), ct).ConfigureAwait(false);
        return usage[0];
    }

    public async Task<int> DeleteOldestAsync(int count, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        var oldest = await c.QueryAsync(null, "SELECT tenant_id, run_id FROM runs ORDER BY run_id LIMIT @n",
            r => (Tenant: r.GetString(0), Run: r.GetString(1)), ct, ("n", (long)count)).ConfigureAwait(false);
        foreach (var tenant in oldest.GroupBy(o => o.Tenant))
        {
            await using var batch = new NpgsqlBatch(c);
            foreach (var table in (string[])["payloads", "steps", "runs"])
                Command(batch, $"DELETE FROM {table} WHERE tenant_id = @t AND run_id = ANY(@ids)", ("t", tenant.Key), ("ids", tenant.Select(o => o.Run).ToArray()));
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return oldest.Count;
    }

    public Task CompactAsync(CancellationToken ct = default) => Task.CompletedTask;

    public void AppendLog(FlowLogEntry entry)
    {
        if (_logWriter is null)
        {
            lock (_gate) _logWriter ??= Task.Run(WriteLogsAsync);
        }
        _logs.Writer.TryWrite(entry);
    }

    /// <summary>One writer drains queued log lines in batches: pump threads never wait on the database.</summary>
    private async Task WriteLogsAsync()
    {
        var batch = new List<FlowLogEntry>(LogBatch);
        while (await _logs.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < LogBatch && _logs.Reader.TryRead(out var line)) batch.Add(line);
            try
            {
                await using var c = await db.OpenAsync().ConfigureAwait(false);
                await c.ExecAsync(null, """
                    INSERT INTO logs(tenant_id, flow_id, at, level, message)
                    SELECT l.t, l.f, l.at, l.lv, l.m FROM unnest(@t, @f, @at, @lv, @m) WITH ORDINALITY AS l(t, f, at, lv, m, n) ORDER BY l.n
                    """, CancellationToken.None, ("t", batch.Select(b => b.TenantId).ToArray()), ("f", batch.Select(b => b.FlowId).ToArray()),
                    ("at", batch.Select(b => SqliteCommands.Iso(b.At)).ToArray()), ("lv", batch.Select(b => b.Level).ToArray()),
                    ("m", batch.Select(b => b.Message).ToArray())).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning(ex, "{Count} log lines were not stored", batch.Count);
            }
            batch.Clear();
        }
    }

    public async Task<IReadOnlyList<LogLine>> RecentLogsAsync(string tenantId, string flowId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        var lines = await c.QueryAsync(null, "SELECT at, level, message FROM logs WHERE tenant_id = @t AND flow_id = @f ORDER BY seq DESC LIMIT @n",
            r => new LogLine(SqliteCommands.ParseIso(r.GetString(0)), r.GetString(1), r.GetString(2)), ct, ("t", tenantId), ("f", flowId), ("n", limit))
            .ConfigureAwait(false);
        lines.Reverse();
        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        _logs.Writer.TryComplete();
        if (_logWriter is { } writer) await writer.ConfigureAwait(false);
    }

    private static RunSummary ReadSummary(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), SqliteCommands.ParseIso(r.GetString(4)), r.GetInt64(5), r.GetInt32(6),
        r.IsDBNull(7) ? null : new StepError(r.GetString(7), r.StringOrNull(8) ?? ""));

    private static RunStep ReadStep(NpgsqlDataReader r, Dictionary<int, string> bodies) => new()
    {
        Index = r.GetInt32(0), Listener = r.GetString(1), From = r.GetString(2), To = r.StringOrNull(3), Class = r.GetString(4),
        Thread = r.GetString(5), StartedAt = SqliteCommands.ParseIso(r.GetString(6)), DurationMs = r.GetInt64(7),
        PayloadIn = r.IsDBNull(8) ? null : bodies.GetValueOrDefault(r.GetInt32(8)),
        PayloadsOut = r.IsDBNull(9) ? null : TraceCodec.DecodeRefs(r.GetString(9), bodies),
        Fuel = r.Int64OrNull(10) is { } fuel ? (ulong)fuel : null,
        PromptTokens = (int?)r.Int64OrNull(11), CompletionTokens = (int?)r.Int64OrNull(12), Model = r.StringOrNull(13),
        CostUsd = r.StringOrNull(14) is { } cost ? decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture) : null,
        Error = r.IsDBNull(15) ? null : new StepError(r.GetString(15), r.StringOrNull(16) ?? ""),
    };
}
