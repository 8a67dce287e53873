using System.Collections.Concurrent;

namespace Nextra.Modules.Runs;

/// <summary>Callers of <c>?wait=</c> waiting for a run's committed trace.</summary>
public sealed class RunWaiters
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RunView>> _waiters = new();

    /// <summary>Register before the run can start, so its completion cannot be missed.</summary>
    public Task<RunView> Register(string runId) =>
        _waiters.GetOrAdd(runId, _ => new TaskCompletionSource<RunView>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(string runId) => _waiters.TryRemove(runId, out _);

    public void Complete(RunView run)
    {
        if (_waiters.TryRemove(run.RunId, out var waiter)) waiter.TrySetResult(run);
    }
}
