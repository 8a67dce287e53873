using Microsoft.Extensions.Logging;
using Nextra.Modules.Observability;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Ends a run durably, in this order: commit the trace (under the run's lease), then answer waiters and live
/// watchers, then tell the inbox (which deletes the row). A crash between the trace and the delete leaves the row
/// pending with a final trace; recovery sees the trace and deletes the row without running it again, so an
/// acknowledged run is never completed twice. A trace refused for a stale lease (another instance took the
/// partition) is dropped: the new owner runs the request again.
/// </summary>
public sealed class RunRecorder(ITraceStore traces, IRunSignals signals, IEnumerable<IRunRequestTracker> trackers, ILiveEvents events,
    Metrics metrics, IUsageMeter usage, TimeProvider time, ILogger<RunRecorder> logger, IUsageLedger? ledger = null)
{
    private readonly IRunRequestTracker[] _trackers = [.. trackers];
    private readonly System.Diagnostics.Metrics.Counter<long> _fencedCounter = metrics.Meter.CreateCounter<long>("nextra_fenced_writes_total",
        description: "Run records refused because this instance's partition lease was no longer current (fencing).");

    /// <summary>Set during shutdown: runs cancelled by the drain stay pending in the inbox and re-run after restart.</summary>
    public volatile bool Draining;

    /// <summary>Trace writes refused because their lease was stale (fencing).</summary>
    public long FencedWrites => Interlocked.Read(ref _fenced);
    private long _fenced;

    public async Task CompleteAsync(RunRequest request, LeaseFence fence, RunRecord run)
    {
        if (Draining && run.Status == "cancelled")
        {
            logger.LogInformation("Run {RunId} interrupted by shutdown; left pending in the inbox", request.Id);
            return;
        }
        var trigger = request.Source.ToString();
        var entry = new TraceEntry(request.TenantId, request.FlowId, trigger, request.Recorded, run);
        try
        {
            LatencyProbe.Mark(request.Id, "08 trace entry");
            await traces.SaveAsync(entry, fence).ConfigureAwait(false);
            LatencyProbe.Mark(request.Id, "09 trace commit");
        }
        catch (FencedWriteException ex)
        {
            Interlocked.Increment(ref _fenced);
            _fencedCounter.Add(1);
            logger.LogWarning("Run {RunId} not recorded: {Reason}", request.Id, ex.Message);
            return;
        }
        catch (Exception ex)
        {
            // The row stays pending: the run is retried after restart rather than lost.
            logger.LogError(ex, "Could not record run {RunId}", request.Id);
            return;
        }
        metrics.RunFinished(request.FlowId, run.Status, run.DurationMs / 1000.0);
        // The usage meters (the webhook body's bytes with them), after the trace (a run re-dispatched after a crash may count
        // twice, never zero times) and before the waiters hear of the run, so what a caller reads after its answer already
        // counts it. The SLA minute was added by the trace's own write (see ITraceStore.SaveAsync).
        var meters = Meters(request, run);
        try
        {
            await usage.AddAsync(request.TenantId, run.StartedAt, meters).ConfigureAwait(false);
            // R10 fuel (F): the run's WASM calls, each budget − remaining or its whole budget when it trapped or timed out
            // (the handler charges that), summed into one ledger entry per run (unique: a re-recorded run adds nothing).
            if (meters.WasmFuel > 0 && ledger is not null)
                await ledger.RecordAsync(request.TenantId, QuotaCounters.MonthOf(run.StartedAt), UsageUnits.Fuel, meters.WasmFuel, request.FlowId,
                    run.RunId, UsageUnits.WasmCalls, time.GetUtcNow()).ConfigureAwait(false);
            if (meters.WasmFuel > 0) metrics.Usage(UsageUnits.Fuel, meters.WasmFuel);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Run {RunId}: usage not metered", request.Id);
        }
        LatencyProbe.Mark(request.Id, "10 usage commit");
        Tracing.RecordRun(new Tracing.RunScope(request.TenantId, request.FlowId, trigger, request.TraceParent), run);
        var view = RunView.From(request.FlowId, trigger, run, request.TraceParent);
        LatencyProbe.Mark(request.Id, "11 run view");
        try
        {
            await signals.RunFinishedAsync(request.TenantId, view).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Run {RunId}: finished signal not sent; waiters fall back to the trace", request.Id);
        }
        events.Publish(new RunUpdatedEvent(request.TenantId, request.FlowId,
            new RunSummary(run.RunId, request.FlowId, trigger, run.Status, run.StartedAt, run.DurationMs, run.Steps.Count, run.Error)));
        foreach (var tracker in _trackers)
        {
            var removing = LatencyProbe.Now();
            try
            {
                await tracker.RunRecordedAsync(request, fence, run, CancellationToken.None).ConfigureAwait(false);
                LatencyProbe.Add("x1 after the answer: inbox delete commit", removing);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Inbox row {RunId} not removed; recovery will see its final trace", request.Id);
            }
        }
    }

    /// <summary>What the run adds to its tenant's month, the webhook body's bytes included (metered here, with the rest, in one write).</summary>
    internal static UsageDelta Meters(RunRequest request, RunRecord run)
    {
        long fuel = 0, prompt = 0, completion = 0;
        decimal cost = 0;
        foreach (var step in run.Steps)
        {
            fuel += step.Fuel is { } f ? (long)Math.Min(f, long.MaxValue / 2) : 0;
            prompt += step.PromptTokens ?? 0;
            completion += step.CompletionTokens ?? 0;
            cost += step.CostUsd ?? 0;
        }
        return new UsageDelta(Runs: 1, Steps: run.Steps.Count, WasmFuel: fuel, LlmPromptTokens: prompt, LlmCompletionTokens: completion,
            LlmCostMicros: (long)Math.Round(cost * 1_000_000m),
            WebhookBytesIn: request.Source.Kind == RunSource.Webhook ? System.Text.Encoding.UTF8.GetByteCount(request.PayloadXml ?? request.PayloadJson ?? "") : 0);
    }

    /// <summary>Records a run that could not start (flow stopped, unknown target…) as failed, so every acknowledged id ends.</summary>
    public Task FailAsync(RunRequest request, LeaseFence fence, string code, string message)
    {
        var run = new RunRecord
        {
            RunId = request.Id, Status = "failed", StartedAt = time.GetUtcNow(), Error = new StepError(code, message),
        };
        return CompleteAsync(request, fence, run);
    }
}
