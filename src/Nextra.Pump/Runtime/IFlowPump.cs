using Nextra.Pump.Config;
using Nextra.Pump.Runs;

namespace Nextra.Pump.Runtime;

/// <summary>
/// A running flow: one pump per flow. Created by <see cref="IFlowPumpFactory"/>; the control plane
/// (orchestration) and the headless CLI both drive flows only through this contract.
/// </summary>
public interface IFlowPump : IAsyncDisposable
{
    FlowDefinition Flow { get; }
    /// <summary>Messages queued and not yet dispatched.</summary>
    int QueueDepth { get; }
    /// <summary>Runs started and not yet finished.</summary>
    int ActiveRuns { get; }
    /// <summary>
    /// An estimate of the memory this flow holds now (queued messages, the records of its active runs, its thread
    /// registry), for per-flow memory metrics and alerts; not a measurement of the managed heap.
    /// </summary>
    long EstimatedMemoryBytes => 0;

    /// <summary>Registers system listeners, creates the root thread, sends Boot (xml-pipeline §9.19).</summary>
    Task StartAsync(CancellationToken ct);

    /// <summary>
    /// Starts a run by injecting one payload. Waits while the queue is full (backpressure) until
    /// <paramref name="ct"/> fires; throws <see cref="PumpException"/> (code <c>queue_full</c>, <c>unknown_target</c>,
    /// <c>payload_invalid</c>, <c>pump_stopped</c>) when it cannot accept it; nothing is dropped silently.
    /// </summary>
    Task<RunHandle> InjectAsync(Injection injection, CancellationToken ct);

    /// <summary>Cancels a run: queued messages of it are dropped, running handlers are cancelled; ends <c>cancelled</c>.</summary>
    bool CancelRun(string runId);

    /// <summary>Swaps in a new definition. On success reports added/removed/updated listeners; on failure nothing changes.</summary>
    ReloadReport Reload(FlowDefinition next);

    /// <summary>Stops taking injections, drains in-flight runs up to <paramref name="drain"/>, then cancels the rest.
    /// Returns the runs that had not finished (their records end <c>cancelled</c>).</summary>
    Task<IReadOnlyList<string>> StopAsync(TimeSpan drain, CancellationToken ct);
}

/// <summary>Builds pumps for validated flows with the handler kinds and services of the host.</summary>
public interface IFlowPumpFactory
{
    IFlowPump Create(FlowDefinition flow, IFlowServicesProvider services, IPumpObserver? observer = null);
}

/// <summary>Gives each pump its services (secrets, memory, egress…) — tenant-scoped in the server.</summary>
public interface IFlowServicesProvider
{
    Handlers.IFlowServices For(FlowDefinition flow);
}

/// <summary>One injection. Payload is XML (a payload element) or a JSON object mapped through <see cref="PayloadClass"/>
/// (or through the target listener's class when null). <see cref="Target"/> null = the first trigger's / class routing.</summary>
public sealed record Injection
{
    public string? RunId { get; init; }
    public string? Target { get; init; }
    public string? PayloadClass { get; init; }
    public string? PayloadXml { get; init; }
    public System.Text.Json.Nodes.JsonObject? PayloadJson { get; init; }
    /// <summary>Who injected: <c>webhook:NAME</c>, <c>schedule:NAME</c>, <c>manual</c>, <c>replay:RUNID</c>, <c>cli</c>.</summary>
    public string Source { get; init; } = "manual";
    /// <summary>Run deadline; null = the flow's RunTimeoutSeconds.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>Run under a peer table (xml-pipeline §2.5): its entries replace the YAML peers for this run's chains.</summary>
    public string? PeerTable { get; init; }
    /// <summary>
    /// Awaited once, just before the run's first step executes (after any queueing and concurrency gate): where the
    /// server counts an attempt, so a run queued behind others and lost to a crash is not counted as having run. A
    /// failure is logged; the run goes on.
    /// </summary>
    public Func<CancellationToken, Task>? FirstStepStarting { get; init; }
}

/// <summary>A started run. <see cref="Completion"/> completes with the final record (never faults).</summary>
public sealed class RunHandle(RunRecord record, Task<RunRecord> completion, Func<RunRecord>? snapshot = null)
{
    public string RunId => Record.RunId;
    /// <summary>The live record (mutated by the pump while the run goes on): read it through <see cref="Snapshot"/>.</summary>
    public RunRecord Record { get; } = record;
    public Task<RunRecord> Completion { get; } = completion;

    /// <summary>A copy of the record taken under the run's lock, safe to read while the pump adds steps.</summary>
    public RunRecord Snapshot() => snapshot?.Invoke() ?? Record;
}

/// <summary>Result of a hot reload.</summary>
public sealed record ReloadReport(bool Ok, IReadOnlyList<string> Added, IReadOnlyList<string> Removed,
    IReadOnlyList<string> Updated, IReadOnlyList<ValidationProblem> Problems);

/// <summary>Callbacks from a pump (called on pump threads; must be fast; exceptions are swallowed and logged).</summary>
public interface IPumpObserver
{
    void RunStarted(RunRecord run, Injection injection) { }
    void StepStarted(RunRecord run, RunStep step) { }
    void StepCompleted(RunRecord run, RunStep step) { }
    void RunCompleted(RunRecord run) { }
    /// <summary>xml-pipeline agent state: processing | received | sent | idle | error.</summary>
    void AgentState(string listener, string state, string threadId) { }
    void Log(string level, string message) { }
}

/// <summary>A coded failure of a pump operation.</summary>
public sealed class PumpException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
