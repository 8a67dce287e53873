using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Triggers;

/// <summary>
/// The inbox's side of a run: an attempt counted when it starts; once its trace committed, the execution refunded
/// when R10 says so, then the row removed (a crash between the two: recovery refunds again, which the ledger ignores).
/// </summary>
internal sealed class InboxRunTracker(IInboxStore inbox, UsageRefunds refunds) : IRunRequestTracker
{
    public Task RunStartingAsync(RunRequest request, LeaseFence fence, CancellationToken ct) => inbox.MarkStartedAsync(request.TenantId, request.Id, fence, ct);

    public async Task RunRecordedAsync(RunRequest request, LeaseFence fence, Pump.Runs.RunRecord run, CancellationToken ct)
    {
        await refunds.RefundIfDueAsync(request.TenantId, request.Id, run.Status, run.Error?.Code, run.Steps.Count, ct).ConfigureAwait(false);
        await inbox.CompleteAsync(request.TenantId, request.Id, fence, ct).ConfigureAwait(false);
    }
}

/// <summary>Acknowledged runs not started yet, for <c>GET /api/runs/{id}</c> (status <c>pending</c>).</summary>
internal sealed class PendingRuns(IInboxStore inbox) : ILiveRunSource
{
    public int Order => 10;

    public async Task<RunView?> FindAsync(string tenantId, string runId, CancellationToken ct) =>
        await inbox.FindAsync(tenantId, runId, ct).ConfigureAwait(false) is { } pending
            ? new RunView { RunId = runId, FlowId = pending.FlowId, Trigger = pending.Source.ToString(), Status = "pending", StartedAt = pending.CreatedAt }
            : null;
}

/// <summary>Webhooks held at the quota (R10), for <c>GET /api/runs/{id}</c> (status <c>held</c>) until they are released.</summary>
internal sealed class HeldRunSource(IHeldRunStore held) : ILiveRunSource
{
    public int Order => 11;

    public async Task<RunView?> FindAsync(string tenantId, string runId, CancellationToken ct) =>
        await held.FindAsync(tenantId, runId, ct).ConfigureAwait(false) is { } request
            ? new RunView { RunId = runId, FlowId = request.FlowId, Trigger = request.Source.ToString(), Status = "held", StartedAt = request.CreatedAt }
            : null;
}

/// <summary>The durable monthly executions count (the inbox's), which the executions quota starts from.</summary>
internal sealed class InboxExecutionCount(IInboxStore inbox) : Tiers.IQuotaCountSource
{
    public string Counter => Tiers.QuotaCounters.Executions;

    public Task<long> DurableCountAsync(string tenantId, string period, CancellationToken ct) => inbox.MonthlyExecutionsAsync(tenantId, period, ct);
}
