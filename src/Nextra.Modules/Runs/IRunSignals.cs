using Nextra.Modules.Common;

namespace Nextra.Modules.Runs;

/// <summary>
/// Signals between whoever accepts a run and whoever executes it, which in hosted mode are different instances:
/// a run finished (answers <c>?wait=</c>), a run's cancellation was requested, a flow has new inbox rows to claim,
/// a flow's document changed. Embedded: in this process; hosted: Redis pub/sub. Signals are hints, never the
/// durable record: a missed one is caught up by the inbox poll, the run's trace, or the flows table.
/// </summary>
public interface IRunSignals
{
    /// <summary>
    /// Starts waiting for <paramref name="runId"/> to finish. Register before the run can finish (before its inbox row
    /// is handed on), so the signal cannot be missed; dispose the waiter when no longer interested.
    /// </summary>
    RunWaiter WaitFor(string tenantId, string runId);

    /// <summary>Announces a finished run (its trace has committed) to every waiter, here or on another instance.</summary>
    ValueTask RunFinishedAsync(string tenantId, RunView run, CancellationToken ct = default);

    /// <summary>Asks whoever executes the run to cancel it.</summary>
    ValueTask CancelRequestedAsync(RunSignal signal, CancellationToken ct = default);

    /// <summary>Tells the flow's owner that its inbox has rows it has not claimed yet.</summary>
    ValueTask WakeFlowAsync(FlowSignal signal, CancellationToken ct = default);

    /// <summary>Tells the flow's owner that the flow was saved, restored or deleted (reload or stop it).</summary>
    ValueTask FlowChangedAsync(FlowSignal signal, CancellationToken ct = default);

    /// <summary>Subscribes to cancellations, wake-ups and flow changes (the orchestration does, once).</summary>
    IDisposable Subscribe(IRunSignalHandler handler);
}

/// <summary>A run of a flow of a tenant.</summary>
public readonly record struct RunSignal(string TenantId, string FlowId, string RunId);

/// <summary>A flow of a tenant; <see cref="Change"/> says what happened for <see cref="IRunSignals.FlowChangedAsync"/>.</summary>
public readonly record struct FlowSignal(string TenantId, string FlowId, string Change = "");

/// <summary>Receives signals on a background thread; must not block.</summary>
public interface IRunSignalHandler
{
    void CancelRequested(RunSignal signal);
    void WakeRequested(FlowSignal signal);
    void FlowChanged(FlowSignal signal);
}

/// <summary>A pending wait for one run; <see cref="Completion"/> completes with the finished run.</summary>
[ModuleContract("the handle IRunSignals.WaitAsync returns")]
public sealed class RunWaiter(string runId, Task<RunView> completion, Action<RunWaiter> forget) : IDisposable
{
    public string RunId { get; } = runId;
    public Task<RunView> Completion { get; } = completion;
    public void Dispose() => forget(this);
}
