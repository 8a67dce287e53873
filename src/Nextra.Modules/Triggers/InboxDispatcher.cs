using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Triggers;

/// <summary>
/// Moves inbox rows to the flows that run them. When the supervisor has started the flows of newly acquired
/// partitions (boot, or a takeover), it claims their pending rows and, for each: removes it when its run already has
/// a final trace (only the delete was lost), gives it up when its run started executing
/// <c>max_attempts</c> times without finishing (it crashes the server), or hands it to its flow (at-least-once).
/// When another instance appends a row for a flow this one runs, a wake-up (or, should that be lost, the poll)
/// makes it claim it. Hourly, it prunes old schedule slots and compacts the inbox.
/// </summary>
internal sealed class InboxDispatcher(
    IInboxStore inbox,
    ITraceStore traces,
    IRunFailures recorder,
    IFlowOwnership ownership,
    IRunSignals signals,
    UsageRefunds refunds,
    IOptions<OrchestrationOptions> orchestration,
    IOptions<TriggersOptions> options,
    TimeProvider time,
    ILogger<InboxDispatcher> logger) : BackgroundService, IPartitionListener, IRunSignalHandler
{
    private const int ClaimBatch = 500;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, LeaseFence> _ready = [];
    private IRunDispatcher? _dispatcher;
    private IDisposable? _subscription;
    private readonly SemaphoreSlim _claiming = new(1, 1);

    public async Task PartitionsReadyAsync(IReadOnlyList<LeaseFence> fences, IRunDispatcher dispatcher, CancellationToken ct)
    {
        _dispatcher = dispatcher;
        lock (_gate)
        {
            foreach (var fence in fences) _ready[fence.Partition] = fence;
        }
        var (rerun, finished, given) = await ClaimAsync(fences, ct).ConfigureAwait(false);
        if (rerun + finished + given > 0)
            logger.LogInformation("Inbox recovery: {Rerun} dispatched, {Finished} already finished, {Given} given up", rerun, finished, given);
    }

    public void PartitionsLost(IReadOnlyList<LeaseFence> fences)
    {
        lock (_gate)
        {
            foreach (var fence in fences) _ready.Remove(fence.Partition);
        }
    }

    public void CancelRequested(RunSignal signal)
    {
    }

    public void FlowChanged(FlowSignal signal)
    {
    }

    /// <summary>Another instance appended a row for a flow: claim it if the flow's partition is ours.</summary>
    public void WakeRequested(FlowSignal signal)
    {
        LeaseFence fence;
        lock (_gate)
        {
            if (!_ready.TryGetValue(ownership.PartitionOf(signal.FlowId), out fence)) return;
        }
        _ = Task.Run(() => ClaimLoggedAsync([fence]));
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = signals.Subscribe(this);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(Math.Max(50, options.Value.InboxPollMilliseconds));
        var nextPrune = time.GetUtcNow();
        using var timer = new PeriodicTimer(poll, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                // A single server appends every row itself and hands it over at once: there is nothing to poll for.
                if (!ownership.Exclusive)
                {
                    List<LeaseFence> fences;
                    lock (_gate) fences = [.. _ready.Values];
                    await ClaimLoggedAsync(fences).ConfigureAwait(false);
                }
                if (time.GetUtcNow() >= nextPrune)
                {
                    nextPrune = time.GetUtcNow().AddHours(1);
                    await inbox.PruneSlotsAsync(time.GetUtcNow().AddDays(-1), stoppingToken).ConfigureAwait(false);
                    // Rows are removed as their runs finish; a drained backlog would otherwise keep its size on disk.
                    await inbox.CompactAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ClaimLoggedAsync(IReadOnlyList<LeaseFence> fences)
    {
        try
        {
            await ClaimAsync(fences, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Claiming inbox rows failed; retried at the next poll");
        }
    }

    private async Task<(int Rerun, int Finished, int Given)> ClaimAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct)
    {
        if (fences.Count == 0 || _dispatcher is not { } dispatcher) return (0, 0, 0);
        int rerun = 0, finished = 0, given = 0;
        await _claiming.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var claimed = await inbox.ClaimAsync(fences, ClaimBatch, ct).ConfigureAwait(false);
                // Which claimed runs already have a final trace: one query per tenant and batch, not one per row.
                var done = new HashSet<string>(StringComparer.Ordinal);
                var removals = new List<Task>();
                foreach (var tenant in claimed.GroupBy(c => c.Request.TenantId, StringComparer.Ordinal))
                    done.UnionWith(await traces.FinishedAmongAsync(tenant.Key, [.. tenant.Select(c => c.Request.Id)], ct).ConfigureAwait(false));
                foreach (var (request, fence, cancel) in claimed)
                {
                    if (done.Contains(request.Id))
                    {
                        // Completed before the crash; only the inbox delete (and perhaps the refund, which is idempotent) was lost.
                        // The deletes are awaited together (a store may batch them).
                        if (await traces.GetAsync(request.TenantId, request.Id, ct).ConfigureAwait(false) is { } run)
                            await refunds.RefundIfDueAsync(request.TenantId, request.Id, run.Status, run.Error?.Code, run.Steps.Count, ct).ConfigureAwait(false);
                        removals.Add(inbox.CompleteAsync(request.TenantId, request.Id, fence, ct));
                        finished++;
                    }
                    else if (request.Attempts >= orchestration.Value.MaxAttempts)
                    {
                        await recorder.FailAsync(request, fence, "gave_up",
                            $"started {request.Attempts} times without finishing: each attempt ended with the server").ConfigureAwait(false);
                        given++;
                    }
                    else
                    {
                        if (cancel) dispatcher.MarkCancelled(request.Id);
                        dispatcher.Enqueue(request, fence);
                        rerun++;
                    }
                }
                await Task.WhenAll(removals).ConfigureAwait(false);
                if (claimed.Count < ClaimBatch) break;
            }
        }
        finally
        {
            _claiming.Release();
        }
        return (rerun, finished, given);
    }
}
