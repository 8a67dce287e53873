using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Runs.Stores;

/// <summary>
/// <see cref="ITraceStore"/> on SQLite (<c>traces.db</c>, its own file so trace writes never block control-plane
/// writes): runs, steps, payloads stored once per run, and flow logs, written through the database's group-commit
/// writer. One process owns an embedded data directory (the data-dir lock), so writes are not fenced here.
/// </summary>
internal sealed class SqliteTraceStore(ISqliteConnectionFactory db, SqliteBatchWriters writers, ILogger<SqliteTraceStore> logger) : ITraceStore
{
    private const string SummaryColumns = "run_id, flow_id, trigger, status, started_at, duration_ms, step_count, error_code, error_message";
    /// <summary>Log lines kept per flow (retention); the API shows the last few hundred.</summary>
    internal const int LogsKeptPerFlow = 1_000;

    private SqliteBatchWriter Writer => writers.For(Databases.Traces);

    public Task SaveAsync(TraceEntry entry, LeaseFence fence, CancellationToken ct = default)
    {
        // Encoded here, on the caller's thread: the group-commit writer only inserts.
        var encoded = TraceCodec.Encode(entry);
        return Writer.WriteAsync((c, tx) =>
        {
            Insert(c, tx, entry, encoded);
            // The SLA minute in the same transaction: one commit per run, not a second batch after the trace's.
            if (TraceEntry.IsFinal(entry.Run.Status))
                SqliteRunRollupStore.Add(c, tx, entry.TenantId, entry.FlowId, TraceEntry.FinishedAt(entry.Run), entry.Run.Status, entry.Run.DurationMs,
                    entry.Run.Error?.Code);
        });
    }

    private static void Insert(SqliteConnection c, SqliteTransaction tx, TraceEntry entry, TraceCodec.Encoded encoded)
    {
        var run = entry.Run;
        var tenant = entry.TenantId;
        // INSERT OR REPLACE: a run re-dispatched after a crash overwrites a trace left half-way (never a final one: see recovery).
        c.ExecCached(tx, """
            INSERT OR REPLACE INTO runs(run_id, tenant_id, flow_id, trigger, status, started_at, duration_ms, step_count, error_code, error_message, outputs, injection)
            VALUES($r, $t, $f, $tr, $s, $at, $d, $sc, $ec, $em, $o, $i)
            """,
            ("$r", run.RunId), ("$t", tenant), ("$f", entry.FlowId), ("$tr", entry.Trigger), ("$s", run.Status),
            ("$at", SqliteCommands.Iso(run.StartedAt)), ("$d", run.DurationMs), ("$sc", run.Steps.Count), ("$ec", run.Error?.Code),
            ("$em", run.Error?.Message), ("$o", encoded.Outputs), ("$i", encoded.Injection));
        c.ExecCached(tx, "DELETE FROM steps WHERE run_id=$r AND tenant_id=$t", ("$r", run.RunId), ("$t", tenant));
        c.ExecCached(tx, "DELETE FROM payloads WHERE run_id=$r AND tenant_id=$t", ("$r", run.RunId), ("$t", tenant));
        for (var n = 0; n < encoded.Payloads.Count; n++)
        {
            c.ExecCached(tx, "INSERT INTO payloads(run_id, n, body, tenant_id) VALUES($r, $n, $b, $t)",
                ("$r", run.RunId), ("$n", n), ("$b", encoded.Payloads[n]), ("$t", tenant));
        }
        foreach (var (step, payloadIn, outs) in encoded.Steps)
        {
            c.ExecCached(tx, """
                INSERT INTO steps(run_id, idx, listener, from_name, to_name, class, thread, started_at, duration_ms, payload_in, payloads_out,
                                  fuel, prompt_tokens, completion_tokens, model, cost_usd, error_code, error_message, tenant_id)
                VALUES($r, $i, $l, $f, $to, $c, $th, $at, $d, $pi, $po, $fu, $pt, $ct, $m, $cost, $ec, $em, $t)
                """,
                ("$r", run.RunId), ("$i", step.Index), ("$l", step.Listener), ("$f", step.From), ("$to", step.To), ("$c", step.Class),
                ("$th", step.Thread), ("$at", SqliteCommands.Iso(step.StartedAt)), ("$d", step.DurationMs), ("$pi", payloadIn), ("$po", outs),
                ("$fu", step.Fuel is { } fuel ? (long)fuel : null), ("$pt", step.PromptTokens), ("$ct", step.CompletionTokens),
                ("$m", step.Model), ("$cost", step.CostUsd?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("$ec", step.Error?.Code), ("$em", step.Error?.Message), ("$t", tenant));
        }
    }

    public async Task<RunView?> GetAsync(string tenantId, string runId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        var head = c.Query($"SELECT {SummaryColumns}, outputs, injection FROM runs WHERE run_id=$r AND tenant_id=$t",
            r => (Summary: ReadSummary(r), Outputs: r.GetString(9), Injection: r.GetString(10)), ("$r", runId), ("$t", tenantId));
        if (head.Count == 0) return null;
        var (summary, outputs, injection) = head[0];
        var bodies = c.Query("SELECT n, body FROM payloads WHERE run_id=$r AND tenant_id=$t", r => (r.GetInt32(0), r.GetString(1)), ("$r", runId), ("$t", tenantId))
            .ToDictionary(p => p.Item1, p => p.Item2);
        var steps = c.Query("""
            SELECT idx, listener, from_name, to_name, class, thread, started_at, duration_ms, payload_in, payloads_out,
                   fuel, prompt_tokens, completion_tokens, model, cost_usd, error_code, error_message
            FROM steps WHERE run_id=$r AND tenant_id=$t ORDER BY idx
            """, r => ReadStep(r, bodies), ("$r", runId), ("$t", tenantId));
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
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        return c.Query("""
            SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) FROM runs
            WHERE tenant_id=$t AND flow_id=$f AND started_at >= $since AND status IN ('succeeded', 'failed')
            """, r => new RunOutcomes((int)r.GetInt64(0), (int)r.GetInt64(1)), ("$t", tenantId), ("$f", flowId), ("$since", SqliteCommands.Iso(since)))[0];
    }

    public async Task<RunSummary?> GetSummaryAsync(string tenantId, string runId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        return c.Query($"SELECT {SummaryColumns} FROM runs WHERE run_id=$r AND tenant_id=$t", ReadSummary, ("$r", runId), ("$t", tenantId)).FirstOrDefault();
    }

    public async Task<IReadOnlySet<string>> FinishedAmongAsync(string tenantId, IReadOnlyCollection<string> runIds, CancellationToken ct = default)
    {
        if (runIds.Count == 0) return new HashSet<string>();
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        var ids = JsonSerializer.Serialize(runIds.ToArray(), RunsJsonContext.Default.StringArray);
        return c.Query("SELECT run_id FROM runs WHERE tenant_id=$t AND status <> 'running' AND run_id IN (SELECT value FROM json_each($ids))",
            r => r.GetString(0), ("$t", tenantId), ("$ids", ids)).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<RecordedInjection?> GetInjectionAsync(string tenantId, string runId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        if (c.Scalar("SELECT injection FROM runs WHERE run_id=$r AND tenant_id=$t", ("$r", runId), ("$t", tenantId)) is not string json) return null;
        var stored = TraceCodec.ReadInjection(json);
        var bodies = c.Query("SELECT n, body FROM payloads WHERE run_id=$r AND tenant_id=$t AND n IN ($x, $j)", r => (r.GetInt32(0), r.GetString(1)),
            ("$r", runId), ("$t", tenantId), ("$x", stored.PayloadXmlRef ?? -1), ("$j", stored.PayloadJsonRef ?? -1)).ToDictionary(p => p.Item1, p => p.Item2);
        return TraceCodec.DecodeInjection(stored, bodies);
    }

    public async Task<RunPage> ListAsync(string tenantId, string flowId, RunQuery query, CancellationToken ct = default)
    {
        var limit = Math.Clamp(query.Limit, 1, 200);
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        var items = c.Query($"""
            SELECT {SummaryColumns} FROM runs
            WHERE tenant_id=$t AND flow_id=$f AND ($b IS NULL OR run_id < $b) AND ($s IS NULL OR status = $s)
              AND ($since IS NULL OR started_at >= $since) AND ($until IS NULL OR started_at < $until)
            ORDER BY run_id DESC LIMIT $n
            """, ReadSummary, ("$t", tenantId), ("$f", flowId), ("$b", query.Before), ("$s", query.Status),
            ("$since", query.Since is { } a ? SqliteCommands.Iso(a) : null), ("$until", query.Until is { } u ? SqliteCommands.Iso(u) : null), ("$n", limit + 1));
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
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        foreach (var flowId in flowIds)
        {
            var latest = c.Query($"SELECT {SummaryColumns} FROM runs WHERE tenant_id=$t AND flow_id=$f ORDER BY run_id DESC LIMIT 1",
                ReadSummary, ("$t", tenantId), ("$f", flowId)).FirstOrDefault();
            if (latest is not null) result[flowId] = latest;
        }
        return result;
    }

    public async Task<int> ApplyRetentionAsync(Func<string, RetentionPolicy> policyForTenant, DateTimeOffset now, int batchSize, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        var flows = c.Query("SELECT tenant_id, flow_id, COUNT(*) FROM runs GROUP BY tenant_id, flow_id",
            r => (Tenant: r.GetString(0), Flow: r.GetString(1), Count: r.GetInt64(2)));
        var deleted = 0;
        foreach (var (tenant, flow, _) in flows)
        {
            ct.ThrowIfCancellationRequested();
            var policy = policyForTenant(tenant);
            var cutoff = SqliteCommands.Iso(now.AddDays(-policy.MaxAgeDays));
            while (true)
            {
                // Oldest first: past the per-flow count, or older than the cutoff.
                var ids = c.Query("""
                    SELECT run_id FROM runs WHERE tenant_id=$t AND flow_id=$f AND (started_at < $cut OR run_id <= COALESCE(
                        (SELECT run_id FROM runs WHERE tenant_id=$t AND flow_id=$f ORDER BY run_id DESC LIMIT 1 OFFSET $max), ''))
                    ORDER BY run_id LIMIT $n
                    """, r => r.GetString(0), ("$t", tenant), ("$f", flow), ("$cut", cutoff), ("$max", policy.MaxRunsPerFlow), ("$n", batchSize));
                if (ids.Count == 0) break;
                DeleteBatch(c, tenant, ids);
                deleted += ids.Count;
                if (ids.Count < batchSize) break;
            }
        }
        var logs = PruneLogs(c, policyForTenant, now);
        if (deleted > 0 || logs > 0)
        {
            c.Exec("PRAGMA incremental_vacuum;");
            c.Exec("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        return deleted;
    }

    private static int PruneLogs(SqliteConnection c, Func<string, RetentionPolicy> policyForTenant, DateTimeOffset now)
    {
        var pruned = 0;
        var flows = c.Query("SELECT tenant_id, flow_id, COUNT(*) FROM logs GROUP BY tenant_id, flow_id",
            r => (Tenant: r.GetString(0), Flow: r.GetString(1), Count: r.GetInt64(2)));
        foreach (var (tenant, flow, count) in flows)
        {
            var cutoff = SqliteCommands.Iso(now.AddDays(-policyForTenant(tenant).MaxAgeDays));
            pruned += c.Exec("""
                DELETE FROM logs WHERE tenant_id=$t AND flow_id=$f AND (at < $cut OR seq <= COALESCE(
                    (SELECT seq FROM logs WHERE tenant_id=$t AND flow_id=$f ORDER BY seq DESC LIMIT 1 OFFSET $keep), -1))
                """, ("$t", tenant), ("$f", flow), ("$cut", cutoff), ("$keep", count > LogsKeptPerFlow ? LogsKeptPerFlow : count));
        }
        return pruned;
    }

    private static void DeleteBatch(SqliteConnection c, string tenant, List<string> ids)
    {
        using var tx = c.BeginTransaction();
        var list = string.Join(",", ids.Select((_, i) => "$p" + i));
        var args = ids.Select((id, i) => ("$p" + i, (object?)id)).Append(("$t", tenant)).ToArray();
        foreach (var table in (string[])["payloads", "steps", "runs"])
            c.Exec(tx, $"DELETE FROM {table} WHERE tenant_id=$t AND run_id IN ({list})", args);
        tx.Commit();
    }

    public async Task<HistoryUsage> UsageAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        // Pages holding data: deleted rows' pages are on the free list until the next vacuum, and not counted.
        var pages = (long)c.Scalar("SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count())")!;
        var pageSize = (long)c.Scalar("SELECT page_size FROM pragma_page_size()")!;
        var runs = (long)c.Scalar("SELECT COUNT(*) FROM runs")!;
        return new HistoryUsage(pages * pageSize, runs);
    }

    public async Task<int> DeleteOldestAsync(int count, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        // run_id is a UUIDv7: the primary key's order is creation order across every tenant and flow.
        var oldest = c.Query("SELECT tenant_id, run_id FROM runs ORDER BY run_id LIMIT $n", r => (Tenant: r.GetString(0), Run: r.GetString(1)), ("$n", count));
        foreach (var tenant in oldest.GroupBy(o => o.Tenant))
            DeleteBatch(c, tenant.Key, [.. tenant.Select(o => o.Run)]);
        return oldest.Count;
    }

    public async Task CompactAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        c.Exec("PRAGMA incremental_vacuum;");
        c.Exec("PRAGMA wal_checkpoint(TRUNCATE);");
    }

    public Task<long> SizeBytesAsync(CancellationToken ct = default)
    {
        var path = db.PathOf(Databases.Traces);
        static long Size(string p) => File.Exists(p) ? new FileInfo(p).Length : 0;
        return Task.FromResult(Size(path) + Size(path + "-wal"));
    }

    public void AppendLog(FlowLogEntry entry)
    {
        var write = Writer.WriteAsync((c, tx) => c.ExecCached(tx, "INSERT INTO logs(tenant_id, flow_id, at, level, message) VALUES($t, $f, $at, $l, $m)",
            ("$t", entry.TenantId), ("$f", entry.FlowId), ("$at", SqliteCommands.Iso(entry.At)), ("$l", entry.Level), ("$m", entry.Message)));
        if (!write.IsCompleted)
            write.ContinueWith(t => logger.LogWarning(t.Exception, "A log line of flow {FlowId} was not stored", entry.FlowId),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async Task<IReadOnlyList<LogLine>> RecentLogsAsync(string tenantId, string flowId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(Databases.Traces, ct).ConfigureAwait(false);
        var lines = c.Query("SELECT at, level, message FROM logs WHERE tenant_id=$t AND flow_id=$f ORDER BY seq DESC LIMIT $n",
            r => new LogLine(SqliteCommands.ParseIso(r.GetString(0)), r.GetString(1), r.GetString(2)), ("$t", tenantId), ("$f", flowId), ("$n", limit));
        lines.Reverse();
        return lines;
    }

    private static RunSummary ReadSummary(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), SqliteCommands.ParseIso(r.GetString(4)), r.GetInt64(5), r.GetInt32(6),
        r.IsDBNull(7) ? null : new StepError(r.GetString(7), r.StringOrNull(8) ?? ""));

    private static RunStep ReadStep(SqliteDataReader r, Dictionary<int, string> bodies) => new()
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
