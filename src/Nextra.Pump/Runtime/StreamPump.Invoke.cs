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
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
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
