using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nextra.Modules.Runs.Storage;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Runs.Stores;

/// <summary>Run traces in <c>traces.db</c>: runs, steps, and payloads stored once per run.</summary>
public sealed partial class TraceStore : IAsyncDisposable
{
    private const string SummaryColumns = "run_id, flow_id, trigger, status, started_at, duration_ms, step_count, error_code, error_message";
    private readonly SqliteFile _file;
    private readonly BatchWriter _writer;

    public TraceStore(string path)
    {
        _file = new SqliteFile(path, incrementalVacuum: true);
        _file.Migrate("runs", "Nextra.Modules.Runs.Migrations.");
        _writer = new BatchWriter(_file);
    }

    public string Path => _file.Path;

    /// <summary>Completes when the trace has committed (group commit with other writes).</summary>
    public Task SaveAsync(TraceEntry entry) => _writer.WriteAsync((c, tx) => Insert(c, tx, entry));

    private static void Insert(SqliteConnection c, SqliteTransaction tx, TraceEntry entry)
    {
        var run = entry.Run;
        var payloads = new Dictionary<string, int>(StringComparer.Ordinal);
        int Ref(string body)
        {
            if (payloads.TryGetValue(body, out var n)) return n;
            n = payloads.Count;
            payloads[body] = n;
            c.ExecCached(tx, "INSERT OR IGNORE INTO payloads(run_id, n, body) VALUES($r, $n, $b)", ("$r", run.RunId), ("$n", n), ("$b", body));
            return n;
        }

        // INSERT OR REPLACE: a run re-dispatched after a crash overwrites a trace left half-way (never a final one: see dispatcher).
        c.ExecCached(tx, """
            INSERT OR REPLACE INTO runs(run_id, tenant_id, flow_id, trigger, status, started_at, duration_ms, step_count, error_code, error_message, outputs, injection)
            VALUES($r, $t, $f, $tr, $s, $at, $d, $sc, $ec, $em, $o, $i)
            """,
            ("$r", run.RunId), ("$t", entry.TenantId), ("$f", entry.FlowId), ("$tr", entry.Trigger), ("$s", run.Status),
            ("$at", Sql.Iso(run.StartedAt)), ("$d", run.DurationMs), ("$sc", run.Steps.Count), ("$ec", run.Error?.Code),
            ("$em", run.Error?.Message), ("$o", JsonSerializer.Serialize(run.Outputs, RuntimeJsonContext.Default.ListRunOutput)), ("$i", JsonSerializer.Serialize(entry.Injection, RuntimeJsonContext.Default.RecordedInjection)));
        c.ExecCached(tx, "DELETE FROM steps WHERE run_id=$r", ("$r", run.RunId));
        foreach (var step in run.Steps)
        {
            var payloadIn = step.PayloadIn is null ? (int?)null : Ref(step.PayloadIn);
            var outs = step.PayloadsOut is null ? null : JsonSerializer.Serialize(step.PayloadsOut.Select(Ref).ToArray(), RuntimeJsonContext.Default.Int32Array);
            c.ExecCached(tx, """
                INSERT INTO steps(run_id, idx, listener, from_name, to_name, class, thread, started_at, duration_ms, payload_in, payloads_out,
                                  fuel, prompt_tokens, completion_tokens, model, cost_usd, error_code, error_message)
                VALUES($r, $i, $l, $f, $to, $c, $th, $at, $d, $pi, $po, $fu, $pt, $ct, $m, $cost, $ec, $em)
                """,
                ("$r", run.RunId), ("$i", step.Index), ("$l", step.Listener), ("$f", step.From), ("$to", step.To), ("$c", step.Class),
                ("$th", step.Thread), ("$at", Sql.Iso(step.StartedAt)), ("$d", step.DurationMs), ("$pi", payloadIn), ("$po", outs),
                ("$fu", step.Fuel is { } fuel ? (long)fuel : null), ("$pt", step.PromptTokens), ("$ct", step.CompletionTokens),
                ("$m", step.Model), ("$cost", step.CostUsd?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("$ec", step.Error?.Code), ("$em", step.Error?.Message));
        }
    }

    /// <summary>The run's status when a trace exists, else null.</summary>
    public string? FindStatus(string runId)
    {
        using var c = _file.Open();
        return c.Scalar("SELECT status FROM runs WHERE run_id=$r", ("$r", runId)) as string;
    }

    /// <summary>The run's tenant and flow, or null.</summary>
    public (string TenantId, string FlowId)? FindOwner(string runId)
    {
        using var c = _file.Open();
        var rows = c.Query("SELECT tenant_id, flow_id FROM runs WHERE run_id=$r", r => (r.GetString(0), r.GetString(1)), ("$r", runId));
        return rows.Count == 0 ? null : rows[0];
    }

    public RunView? Get(string runId)
    {
        using var c = _file.Open();
        var head = c.Query($"SELECT {SummaryColumns}, outputs FROM runs WHERE run_id=$r",
            r => (Summary: ReadSummary(r), Outputs: r.GetString(9)), ("$r", runId));
        if (head.Count == 0) return null;
        var (summary, outputs) = head[0];
        var bodies = c.Query("SELECT n, body FROM payloads WHERE run_id=$r", r => (r.GetInt32(0), r.GetString(1)), ("$r", runId))
            .ToDictionary(p => p.Item1, p => p.Item2);
        var steps = c.Query("""
            SELECT idx, listener, from_name, to_name, class, thread, started_at, duration_ms, payload_in, payloads_out,
                   fuel, prompt_tokens, completion_tokens, model, cost_usd, error_code, error_message
            FROM steps WHERE run_id=$r ORDER BY idx
            """, r => ReadStep(r, bodies), ("$r", runId));
        return new RunView
        {
            RunId = summary.RunId, FlowId = summary.FlowId, Trigger = summary.Trigger, Status = summary.Status,
            StartedAt = summary.StartedAt, DurationMs = summary.DurationMs, Error = summary.Error, Steps = steps,
            Outputs = JsonSerializer.Deserialize(outputs, RuntimeJsonContext.Default.ListRunOutput) ?? [],
        };
    }

    public RecordedInjection? GetInjection(string runId)
    {
        using var c = _file.Open();
        return c.Scalar("SELECT injection FROM runs WHERE run_id=$r", ("$r", runId)) is string json
            ? JsonSerializer.Deserialize(json, RuntimeJsonContext.Default.RecordedInjection) : null;
    }

    /// <summary>A page of a flow's runs, newest first. <paramref name="before"/> is a run id cursor.</summary>
    public RunPage List(string flowId, string? status, string? before, DateTimeOffset? since, DateTimeOffset? until, int limit)
    {
        limit = Math.Clamp(limit, 1, 200);
        using var c = _file.Open();
        var items = c.Query($"""
            SELECT {SummaryColumns} FROM runs
            WHERE flow_id=$f AND ($b IS NULL OR run_id < $b) AND ($s IS NULL OR status = $s)
              AND ($since IS NULL OR started_at >= $since) AND ($until IS NULL OR started_at < $until)
            ORDER BY run_id DESC LIMIT $n
            """, ReadSummary, ("$f", flowId), ("$b", before), ("$s", status),
            ("$since", since is { } a ? Sql.Iso(a) : null), ("$until", until is { } u ? Sql.Iso(u) : null), ("$n", limit + 1));
        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            next = items[^1].RunId;
        }
        return new RunPage(items, next);
    }

    /// <summary>The latest run of each flow, for the flows list.</summary>
    public RunSummary? Latest(string flowId)
    {
        using var c = _file.Open();
        return c.Query($"SELECT {SummaryColumns} FROM runs WHERE flow_id=$f ORDER BY run_id DESC LIMIT 1", ReadSummary, ("$f", flowId)).FirstOrDefault();
    }

    private static RunSummary ReadSummary(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Sql.ParseIso(r.GetString(4)), r.GetInt64(5), r.GetInt32(6),
        r.IsDBNull(7) ? null : new StepError(r.GetString(7), r.StringOrNull(8) ?? ""));

    private static RunStep ReadStep(SqliteDataReader r, Dictionary<int, string> bodies) => new()
    {
        Index = r.GetInt32(0), Listener = r.GetString(1), From = r.GetString(2), To = r.StringOrNull(3), Class = r.GetString(4),
        Thread = r.GetString(5), StartedAt = Sql.ParseIso(r.GetString(6)), DurationMs = r.GetInt64(7),
        PayloadIn = r.IsDBNull(8) ? null : bodies.GetValueOrDefault(r.GetInt32(8)),
        PayloadsOut = r.IsDBNull(9) ? null : JsonSerializer.Deserialize(r.GetString(9), RuntimeJsonContext.Default.Int32Array)!.Select(n => bodies.GetValueOrDefault(n) ?? "").ToList(),
        Fuel = r.Int64OrNull(10) is { } fuel ? (ulong)fuel : null,
        PromptTokens = (int?)r.Int64OrNull(11), CompletionTokens = (int?)r.Int64OrNull(12), Model = r.StringOrNull(13),
        CostUsd = r.StringOrNull(14) is { } cost ? decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture) : null,
        Error = r.IsDBNull(15) ? null : new StepError(r.GetString(15), r.StringOrNull(16) ?? ""),
    };

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
