using Nextra.Modules.Runs;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Triggers;

/// <summary>
/// The durable trigger inbox: a run request is committed here before the trigger is acknowledged, and removed once
/// its run's final trace has committed. Rows belong to the partition of their flow and are claimed by the
/// partition's lease holder under its epoch (<c>claimed_by</c>, <c>claimed_at</c>, <c>epoch</c>): a row claimed under
/// a live lease cannot be claimed by anyone else; a newer epoch (a restart, a takeover) claims it again. Each
/// accepted row counts one execution of its tenant's month in the same transaction. Schedule slots are inserted
/// with their row, so a slot fires once across restarts and instances.
/// </summary>
public interface IInboxStore
{
    /// <summary>
    /// Commits a request (and its monthly count); only then may the trigger be acknowledged. With
    /// <paramref name="claim"/> the row is born claimed by this instance (it runs the flow and dispatches it at once).
    /// </summary>
    Task AppendAsync(RunRequest request, int partition, LeaseFence? claim, CancellationToken ct = default);

    /// <summary>Commits the (trigger, slot) row and the request together; false when that slot already fired.</summary>
    Task<bool> AppendScheduledAsync(RunRequest request, int partition, LeaseFence? claim, string trigger, DateTimeOffset slot, CancellationToken ct = default);

    /// <summary>Marks a slot fired without a request (the fire was refused, e.g. over quota); false when it already fired.</summary>
    Task<bool> MarkSlotAsync(string tenantId, string flowId, string trigger, DateTimeOffset slot, string runId, CancellationToken ct = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> rows of the fences' partitions that are unclaimed or claimed under an
    /// older epoch, oldest first, and returns them.
    /// </summary>
    Task<IReadOnlyList<ClaimedRequest>> ClaimAsync(IReadOnlyList<LeaseFence> fences, int limit, CancellationToken ct = default);

    /// <summary>
    /// Counts an attempt: the request's run is starting to execute under <paramref name="fence"/>. Hosted stores
    /// refuse it with <see cref="FencedWriteException"/> when the lease is no longer current (<see cref="LeaseFence.None"/>: not fenced).
    /// </summary>
    Task MarkStartedAsync(string tenantId, string id, LeaseFence fence, CancellationToken ct = default);

    /// <summary>
    /// Removes a row whose run has a committed final trace; fenced like <see cref="MarkStartedAsync"/>. Completes once
    /// committed; a store may hold the delete back a few milliseconds to commit it with its next write (SQLite does).
    /// </summary>
    Task CompleteAsync(string tenantId, string id, LeaseFence fence, CancellationToken ct = default);

    /// <summary>Gives back the rows this instance claimed in the fences' partitions (partitions handed over).</summary>
    Task ReleaseAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct = default);

    /// <summary>Records that the request's cancellation was asked for; false when it is no longer pending.</summary>
    Task<bool> RequestCancelAsync(string tenantId, string id, CancellationToken ct = default);

    /// <summary>A pending request of the tenant, or null.</summary>
    Task<RunRequest?> FindAsync(string tenantId, string id, CancellationToken ct = default);

    /// <summary>Pending requests, oldest first (a tenant's, or every tenant's when null).</summary>
    Task<IReadOnlyList<RunRequest>> ListPendingAsync(string? tenantId, int limit, CancellationToken ct = default);

    Task<long> CountPendingAsync(CancellationToken ct = default);

    /// <summary>The latest slot that fired for a schedule trigger, or null.</summary>
    Task<DateTimeOffset?> LastSlotAsync(string tenantId, string flowId, string trigger, CancellationToken ct = default);

    /// <summary>Drops slot rows older than <paramref name="before"/>, keeping each trigger's latest as its missed-slot cursor.</summary>
    Task<int> PruneSlotsAsync(DateTimeOffset before, CancellationToken ct = default);

    /// <summary>
    /// Hands the space of removed rows back to the file system (SQLite: <c>inbox.db</c> shrinks after a backlog drains,
    /// incremental vacuum and WAL truncated; Postgres: nothing, autovacuum reuses it).
    /// </summary>
    Task CompactAsync(CancellationToken ct = default);

    /// <summary>Executions of a tenant accepted in a UTC month (the durable count of the executions quota).</summary>
    Task<long> MonthlyExecutionsAsync(string tenantId, string month, CancellationToken ct = default);
}

/// <summary>A claimed row: the request and whether its cancellation was asked for.</summary>
public sealed record ClaimedRequest(RunRequest Request, LeaseFence Fence, bool CancelRequested);
