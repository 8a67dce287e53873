using Nextra.Pump.Handlers;

namespace Nextra.Pump.Runtime;

public sealed partial class StreamPump
{
    /// <summary>Calls the handler; only when it goes asynchronous are the timeout and the run/stop cancellation armed.</summary>
    private ValueTask<HandlerResult> InvokeAsync(ListenerRuntime listener, HandlerContext context, RunState? run, WorkerSlot slot)
    {
        var pending = listener.Handler.HandleAsync(context, slot.Cts.Token);
        return pending.IsCompletedSuccessfully ? pending : AwaitSlowAsync(pending, listener, run, slot);
    }

    private async ValueTask<HandlerResult> AwaitSlowAsync(ValueTask<HandlerResult> pending, ListenerRuntime listener, RunState? run, WorkerSlot slot)
    {
        var cts = slot.Cts;
        cts.CancelAfter(listener.Timeout);
        var onRun = run is null ? default : run.Cancellation.Token.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), cts);
        var onStop = _stop.Token.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), cts);
        var task = pending.AsTask();
        try
        {
            // Stop waiting when the token fires even if the handler ignores it: the slot and the
            // timeout must not depend on the handler's cooperation. A late result is discarded.
            return await task.WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            if (!task.IsCompleted)
            {
                _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                Log("warning", $"'{listener.Name}' ignored cancellation; its late result will be discarded");
            }
            if (run is not null && run.Cancellation.IsCancellationRequested)
            {
                throw new HandlerCancelled(StepCodes.Cancelled, $"'{listener.Name}' was cancelled with its run ({run.Record.Status})");
            }
            if (_stop.IsCancellationRequested)
            {
                throw new HandlerCancelled(StepCodes.Cancelled, $"'{listener.Name}' was cancelled because the pump stopped");
            }
            throw new HandlerCancelled(StepCodes.Timeout, $"'{listener.Name}' timed out after {listener.Timeout.TotalSeconds:0.###} s");
        }
        finally
        {
            await onRun.DisposeAsync().ConfigureAwait(false);
            await onStop.DisposeAsync().ConfigureAwait(false);
            if (!cts.TryReset())
            {
                cts.Dispose();
                slot.Cts = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
            }
        }
    }
}
