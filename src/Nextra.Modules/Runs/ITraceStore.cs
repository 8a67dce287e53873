using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Runs;

/// <summary>
/// Run history: runs, their steps and payloads (stored once per run), and flow logs. Every read is scoped to a
/// tenant. Embedded: SQLite (<c>traces.db</c>, group commit); hosted: Postgres, where a trace write whose lease
/// epoch is stale is refused (<see cref="FencedWriteException"/>).
/// </summary>
public interface ITraceStore
{
    /// <summary>
    /// Commits a run's trace (a final one, or a re-run overwriting a half-way one); completes once durable. A final trace
    /// (<see cref="TraceEntry.IsFinal"/>) also adds the run to its minute of <see cref="IRunRollupStore"/>, by the time the
    /// task completes: SQLite in the trace's own transaction (one commit per run); Postgres through the rollups' group
    /// commit right after the trace's (summed per minute, so runs finishing together do not queue on one row's lock).
    /// A refused trace (fenced) adds nothing. A run recorded twice (re-dispatched after a crash) may count twice.
    /// </summary>
    Task SaveAsync(TraceEntry entry, LeaseFence fence, CancellationToken ct = default);

    /// <summary>The run with every step, or null when the tenant has no such run.</summary>
    Task<RunView?> GetAsync(string tenantId, string runId, CancellationToken ct = default);

    /// <summary>The run's summary, or null when the tenant has no such run.</summary>
    /// <summary>Runs of a flow that started at or after <paramref name="since"/> and finished (succeeded or failed), and how many failed.</summary>
    Task<RunOutcomes> OutcomesSinceAsync(string tenantId, string flowId, DateTimeOffset since, CancellationToken ct = default);

    Task<RunSummary?> GetSummaryAsync(string tenantId, string runId, CancellationToken ct = default);

    /// <summary>Which of these runs of the tenant have a final trace (inbox recovery: one query per batch, not per row).</summary>
    Task<IReadOnlySet<string>> FinishedAmongAsync(string tenantId, IReadOnlyCollection<string> runIds, CancellationToken ct = default);

    /// <summary>The injection the run started from (for replay), or null.</summary>
    Task<RecordedInjection?> GetInjectionAsync(string tenantId, string runId, CancellationToken ct = default);

    /// <summary>A page of a flow's runs, newest first.</summary>
    Task<RunPage> ListAsync(string tenantId, string flowId, RunQuery query, CancellationToken ct = default);

    /// <summary>The latest run of each of <paramref name="flowIds"/> that has one.</summary>
    Task<IReadOnlyDictionary<string, RunSummary>> LatestAsync(string tenantId, IReadOnlyCollection<string> flowIds, CancellationToken ct = default);

    /// <summary>
    /// One retention pass: deletes runs older than their tier's age or beyond its per-flow count (oldest first,
    /// <paramref name="batchSize"/> a transaction) and old log lines, then hands freed space back. Returns runs deleted.
    /// </summary>
    Task<int> ApplyRetentionAsync(Func<string, RetentionPolicy> policyForTenant, DateTimeOffset now, int batchSize, CancellationToken ct = default);

    /// <summary>Bytes the history takes on disk (files, WAL included; or the tables' size on Postgres).</summary>
    Task<long> SizeBytesAsync(CancellationToken ct = default);

    /// <summary>
    /// What the history holds now: bytes in use (SQLite: pages of <c>traces.db</c> holding data, free pages not counted;
    /// Postgres: the live rows of the trace tables, a full scan) and runs. Cheaper first check: <see cref="SizeBytesAsync"/>.
    /// </summary>
    Task<HistoryUsage> UsageAsync(CancellationToken ct = default);

    /// <summary>
    /// Deletes the <paramref name="count"/> oldest runs of the whole server, whatever their tenant and flow (the disk
    /// budget is server-wide; each delete still names its tenant). Returns runs deleted.
    /// </summary>
    Task<int> DeleteOldestAsync(int count, CancellationToken ct = default);

    /// <summary>Hands freed space back to the file system (SQLite: incremental vacuum, WAL truncated; Postgres: nothing, autovacuum reuses it).</summary>
    Task CompactAsync(CancellationToken ct = default);

    /// <summary>Queues one log line; never blocks the caller (pump threads log).</summary>
    void AppendLog(FlowLogEntry entry);

    /// <summary>The flow's last <paramref name="limit"/> log lines, oldest first.</summary>
    Task<IReadOnlyList<LogLine>> RecentLogsAsync(string tenantId, string flowId, int limit, CancellationToken ct = default);
}

/// <summary>Filters and paging of <see cref="ITraceStore.ListAsync"/>; <see cref="Before"/> is a run id cursor.</summary>
public sealed record RunQuery(string? Status = null, string? Before = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Limit = 50);

/// <summary>Finished runs in a window and the failed among them (the alerts' error rate).</summary>
public readonly record struct RunOutcomes(int Finished, int Failed);

/// <summary>Bytes the history holds (live data, see <see cref="ITraceStore.UsageAsync"/>) and how many runs.</summary>
public sealed record HistoryUsage(long Bytes, long Runs);
