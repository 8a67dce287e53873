using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Triggers;

/// <summary>The inbox's side of a run: an attempt counted when it starts, the row removed once its trace committed.</summary>
internal sealed class InboxRunTracker(IInboxStore inbox) : IRunRequestTracker
{
    public Task RunStartingAsync(RunRequest request, LeaseFence fence, CancellationToken ct) => inbox.MarkStartedAsync(request.TenantId, request.Id, fence, ct);

    public Task RunRecordedAsync(RunRequest request, LeaseFence fence, CancellationToken ct) => inbox.CompleteAsync(request.TenantId, request.Id, fence, ct);
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

/// <summary>The durable monthly executions count (the inbox's), which the executions quota starts from.</summary>
internal sealed class InboxExecutionCount(IInboxStore inbox) : Tiers.IQuotaCountSource
{
    public string Counter => Tiers.QuotaCounters.Executions;

    public Task<long> DurableCountAsync(string tenantId, string period, CancellationToken ct) => inbox.MonthlyExecutionsAsync(tenantId, period, ct);
}
