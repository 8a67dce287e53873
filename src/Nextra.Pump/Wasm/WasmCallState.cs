using System.Diagnostics;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Wasm;

/// <summary>
/// Per-call data attached to the Store: what the host functions may use, and the deadline the
/// epoch callback enforces. One instance per call; never shared between calls.
/// </summary>
public sealed class WasmCallState
{
    public WasmCallState(IFlowServices? services, string runId, int stepIndex, string listener, CancellationToken ct)
    {
        Services = services;
        RunId = runId;
        StepIndex = stepIndex;
        Listener = listener;
        CancellationToken = ct;
    }

    public IFlowServices? Services { get; }
    public string RunId { get; }
    public int StepIndex { get; }
    public string Listener { get; }
    public CancellationToken CancellationToken { get; }

    /// <summary>When set, <c>http_fetch</c> refuses any URL it does not allow (a marketplace tool's granted hosts).</summary>
    public Func<Uri, bool>? AllowsUrl { get; init; }

    /// <summary>When set, the secrets <c>http_fetch</c> substitutes into request headers (<c>{secret:NAME}</c>), each only towards its own hosts.</summary>
    public IReadOnlyList<WasmSecretGrant>? Secrets { get; init; }

    /// <summary>When set, the call reports its linear memory's size there (at start and at each host call; 0 at the end).</summary>
    public StepMemory? Memory { get; init; }

    /// <summary>Log lines the guest wrote (also sent to <see cref="IRunEventSink.Log"/>); handy for tests and the CLI.</summary>
    public List<string> Logs { get; } = [];

    internal WasmOptions Options { get; set; } = null!;
    internal long DeadlineTimestamp { get; set; }
    internal bool TimedOut { get; set; }
    internal bool Cancelled { get; set; }
    internal Func<int, int>? Alloc { get; set; }

    internal TimeSpan Remaining => Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), DeadlineTimestamp);
}
