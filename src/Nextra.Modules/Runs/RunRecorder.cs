using Microsoft.Extensions.Logging;
using Nextra.Modules.Observability;
using Nextra.Modules.Runs.Stores;
using Nextra.Modules.Triggers;
using Nextra.Modules.Triggers.Stores;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Runs;

/// <summary>
/// Ends a run durably, in this order: commit the trace (traces.db), then delete the inbox row,
/// then answer waiters and live watchers. A crash between the first two leaves the row pending
/// with a final trace; recovery sees the trace and deletes the row without running it again, so
/// an acknowledged run is never completed twice.
/// </summary>
public sealed class RunRecorder(TraceStore traces, InboxStore inbox, RunWaiters waiters, LiveEvents events, Metrics metrics,
    TimeProvider time, ILogger<RunRecorder> logger)
{
    /// <summary>Set during shutdown: runs cancelled by the drain stay pending in the inbox and re-run after restart.</summary>
    public volatile bool Draining;

    public async Task CompleteAsync(InboxItem item, RecordedInjection injection, RunRecord run)
    {
        if (Draining && run.Status == "cancelled")
        {
            logger.LogInformation("Run {RunId} interrupted by shutdown; left pending in the inbox", item.Id);
            return;
        }
        var entry = new TraceEntry(item.TenantId, item.FlowId, item.Source, injection, run);
        try
        {
            await traces.SaveAsync(entry).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The row stays pending: the run is retried after restart rather than lost.
            logger.LogError(ex, "Could not record run {RunId}", item.Id);
            return;
        }
        metrics.Increment("nextra_executions_total", Metrics.Labels(("status", run.Status)));
        metrics.Observe("nextra_run_duration_seconds", run.DurationMs / 1000.0);
        var view = RunView.From(item.FlowId, item.Source, run);
        waiters.Complete(view);
        events.RunUpdated(item.TenantId, new RunSummary(run.RunId, item.FlowId, item.Source, run.Status, run.StartedAt, run.DurationMs, run.Steps.Count, run.Error));
        try
        {
            await inbox.RemoveAsync(item.Id).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Inbox row {RunId} not removed; recovery will see its final trace", item.Id);
        }
    }

    /// <summary>Records a run that could not start (flow stopped, unknown target…) as failed, so every acknowledged id ends.</summary>
    public Task FailAsync(InboxItem item, RecordedInjection injection, string code, string message)
    {
        var run = new RunRecord
        {
            RunId = item.Id, Status = "failed", StartedAt = time.GetUtcNow(), Error = new StepError(code, message),
        };
        return CompleteAsync(item, injection, run);
    }

    /// <summary>The injection as recorded for replay.</summary>
    public static RecordedInjection Recorded(InboxItem item) => new(item.Target, item.PayloadClass, item.PayloadXml, item.PayloadJson);
}
