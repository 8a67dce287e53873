using System.Threading.Channels;

namespace Nextra.Pump.Runtime;

public sealed partial class StreamPump
{
    /// <summary>Per-worker state reused across hops: a cancellation source that is reset, not reallocated.</summary>
    private sealed class WorkerSlot(TimeProvider time)
    {
        public CancellationTokenSource Cts { get; set; } = new(Timeout.InfiniteTimeSpan, time);
        /// <summary>Messages a hop emits, queued only once its step is recorded, so traces and events stay in order.</summary>
        public List<PumpMessage> Outbox { get; } = [];
    }

    /// <summary>Why a handler's token fired.</summary>
    private sealed class HandlerCancelled(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }

    /// <summary>
    /// A dispatch loop (one per core). Synchronous handlers run inline; a handler that goes asynchronous
    /// keeps its slot and the loop moves on, so <c>max_concurrent_handlers</c> bounds handlers in flight,
    /// not threads. Reading with ReadAsync hands each message to one waiting loop (no thundering herd).
    /// </summary>
    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        var slot = RentSlot();
        while (true)
        {
            // Take a handler slot before a message, so a message waiting for a slot still counts as queued.
            try
            {
                await _handlerSlots.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            // Runs under way first, then a new run (see _fresh).
            if (!reader.TryRead(out var message) && !_fresh.Reader.TryRead(out message))
            {
                try
                {
                    message = await ReadEitherAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
                {
                    _handlerSlots.Release();
                    return; // stopping
                }
            }
            OnDequeued();
            Interlocked.Increment(ref _inFlight);
            var pending = ProcessAsync(message, slot);
            if (pending.IsCompletedSuccessfully)
            {
                ReleaseHandlerSlot();
                continue;
            }
            _ = CompleteAsync(pending, slot);
            slot = RentSlot();
        }
    }

    /// <summary>Waits for a message on either queue (only when both are empty), preferring runs under way; throws once they are closed.</summary>
    private async ValueTask<PumpMessage> ReadEitherAsync()
    {
        while (true)
        {
            if (_queue.Reader.TryRead(out var message) || _fresh.Reader.TryRead(out message))
            {
                return message;
            }
            var under = _queue.Reader.WaitToReadAsync(_stop.Token).AsTask();
            var fresh = _fresh.Reader.WaitToReadAsync(_stop.Token).AsTask();
            var first = await Task.WhenAny(under, fresh).ConfigureAwait(false);
            if (await first.ConfigureAwait(false))
            {
                continue;
            }
            // That queue is closed, which happens only as the pump stops (both close together).
            if (!await (first == under ? fresh : under).ConfigureAwait(false))
            {
                throw new ChannelClosedException();
            }
        }
    }

    private async Task CompleteAsync(ValueTask pending, WorkerSlot slot)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log("error", $"dispatch failed: {ex.Message}"); // ProcessAsync catches everything; belt and braces
        }
        finally
        {
            _slotPool.Push(slot);
            ReleaseHandlerSlot();
        }
    }

    private WorkerSlot RentSlot() => _slotPool.TryPop(out var slot) ? slot : new WorkerSlot(_time);

    private void ReleaseHandlerSlot()
    {
        Interlocked.Decrement(ref _inFlight);
        _handlerSlots.Release();
    }
}
