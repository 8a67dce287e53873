using Nextra.Pump.Handlers;
using Nextra.Pump.Runs;

namespace Nextra.Pump.Runtime;

public sealed partial class StreamPump
{
    /// <summary>Called when no message of the run is queued or in a handler.</summary>
    private void CompleteRun(RunState run)
    {
        if (run.Unhandled is { } error)
        {
            Finish(run, "failed", error);
        }
        else if (run.OutputCount > 0)
        {
            Finish(run, "succeeded", null);
        }
        else
        {
            Finish(run, "failed", new StepError(StepCodes.NoOutput, "the run ended without a payload reaching an output listener or returning to the injector"));
        }
    }

    /// <summary>Ends a run once; returns false when it had already ended.</summary>
    private bool Finish(RunState run, string status, StepError? error, bool interrupted = false)
    {
        if (!run.TryFinish())
        {
            return false;
        }
        run.Interrupted = interrupted;
        run.Deadline?.Dispose();
        var record = run.Record;
        record.Status = status;
        record.Error = error;
        record.DurationMs = (long)_time.GetElapsedTime(run.StartTimestamp).TotalMilliseconds;
        _runs.TryRemove(run.RunId, out _);
        if (status is "cancelled" or "timed_out")
        {
            try
            {
                run.Cancellation.Cancel();
            }
            catch (AggregateException ex)
            {
                Log("warning", $"a handler's cancellation callback failed: {ex.InnerException?.Message}");
            }
        }
        try
        {
            _observer?.RunCompleted(record);
        }
        catch (Exception ex)
        {
            Log("warning", $"observer failed on RunCompleted: {ex.Message}");
        }
        run.Completion.TrySetResult(record);
        var cleanup = CleanupAsync(run);
        if (!cleanup.IsCompleted)
        {
            _ = cleanup.AsTask();
        }
        return true;
    }

    /// <summary>Run-scoped threads go with their run: registry entries, buffers and budgets.</summary>
    private async ValueTask CleanupAsync(RunState run)
    {
        try
        {
            await _parallel.CleanupAsync(run).ConfigureAwait(false);
            foreach (var uuid in run.Threads())
            {
                await Threads.DeleteAsync(uuid, CancellationToken.None).ConfigureAwait(false);
                await Buffer.DeleteAsync(uuid, CancellationToken.None).ConfigureAwait(false);
                EndOfChain(uuid);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log("warning", $"cleanup of run {run.RunId} failed: {ex.Message}");
        }
    }

    private void StepStarted(RunState run, RunStep step, StepMemory? held = null)
    {
        run.StepInFlight(step, held);
        if (_observer is null)
        {
            return;
        }
        try
        {
            _observer.StepStarted(run.Record, step);
        }
        catch (Exception ex)
        {
            Log("warning", $"observer failed on StepStarted: {ex.Message}");
        }
    }

    private void StepCompleted(RunState run, RunStep step)
    {
        if (_observer is null || run.IsFinished)
        {
            return;
        }
        try
        {
            _observer.StepCompleted(run.Record, step);
        }
        catch (Exception ex)
        {
            Log("warning", $"observer failed on StepCompleted: {ex.Message}");
        }
    }
}
