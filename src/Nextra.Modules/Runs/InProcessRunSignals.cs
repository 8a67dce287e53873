using System.Collections.Concurrent;
using Nextra.Modules.Common;

namespace Nextra.Modules.Runs;

/// <summary>
/// <see cref="IRunSignals"/> inside one process (embedded mode). Also the local half of a hosted backplane: the
/// Redis implementation delivers what it receives through <see cref="DeliverFinished"/> and <see cref="Handlers"/>.
/// </summary>
[ModuleContract("the embedded implementation of a seam; the Cluster module's one switch selects it when no Redis is configured")]
public sealed class InProcessRunSignals : IRunSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RunView>> _waiters = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private volatile IRunSignalHandler[] _handlers = [];

    public RunWaiter WaitFor(string tenantId, string runId)
    {
        var tcs = _waiters.GetOrAdd(runId, _ => new TaskCompletionSource<RunView>(TaskCreationOptions.RunContinuationsAsynchronously));
        return new RunWaiter(runId, tcs.Task, w => _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource<RunView>>(w.RunId, tcs)));
    }

    public ValueTask RunFinishedAsync(string tenantId, RunView run, CancellationToken ct = default)
    {
        DeliverFinished(run);
        return ValueTask.CompletedTask;
    }

    /// <summary>Completes this process's waiters of the run.</summary>
    public void DeliverFinished(RunView run)
    {
        if (_waiters.TryRemove(run.RunId, out var waiter)) waiter.TrySetResult(run);
    }

    /// <summary>Whether anyone here waits for <paramref name="runId"/>.</summary>
    public bool IsWaited(string runId) => _waiters.ContainsKey(runId);

    public ValueTask CancelRequestedAsync(RunSignal signal, CancellationToken ct = default)
    {
        foreach (var h in _handlers) h.CancelRequested(signal);
        return ValueTask.CompletedTask;
    }

    public ValueTask WakeFlowAsync(FlowSignal signal, CancellationToken ct = default)
    {
        foreach (var h in _handlers) h.WakeRequested(signal);
        return ValueTask.CompletedTask;
    }

    public ValueTask FlowChangedAsync(FlowSignal signal, CancellationToken ct = default)
    {
        foreach (var h in _handlers) h.FlowChanged(signal);
        return ValueTask.CompletedTask;
    }

    /// <summary>This process's subscribers.</summary>
    public IReadOnlyList<IRunSignalHandler> Handlers => _handlers;

    public IDisposable Subscribe(IRunSignalHandler handler)
    {
        lock (_gate) _handlers = [.. _handlers, handler];
        return new Unsubscribe(() =>
        {
            lock (_gate) _handlers = [.. _handlers.Where(h => h != handler)];
        });
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
