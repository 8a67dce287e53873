using Nextra.Pump.Handlers;
using Nextra.Pump.Runs;

namespace Nextra.Pump.Runtime;

/// <summary>
/// Book-keeping of one run: messages pending (queued or in a handler), the live record, its
/// cancellation and deadline, and the threads it created (deleted when it ends).
/// </summary>
internal sealed class RunState
{
    private int _pending;
    private int _finished;
    private int _stepIndex = -1;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _threads = new(StringComparer.Ordinal);
    private Parallel.RunGathers? _gathers;

    public RunState(RunRecord record, string rootChain, string? peerTable, long startTimestamp)
    {
        Record = record;
        RootChain = rootChain;
        PeerTable = peerTable;
        StartTimestamp = startTimestamp;
    }

    public RunRecord Record { get; }
    public string RunId => Record.RunId;
    /// <summary>See <see cref="Injection.FirstStepStarting"/>; taken (set to null) by the first step.</summary>
    private Func<CancellationToken, Task>? _firstStepStarting;

    public Func<CancellationToken, Task>? FirstStepStarting
    {
        init => _firstStepStarting = value;
    }

    /// <summary>The first-step callback, once: null for every later step (and when there is none).</summary>
    public Func<CancellationToken, Task>? TakeFirstStepStarting() => Interlocked.Exchange(ref _firstStepStarting, null);
    /// <summary>The registry scope of the run's chains.</summary>
    public string Scope => Record.RunId;
    /// <summary>The injection point: a respond pruned back to this chain is delivered to the injector.</summary>
    public string RootChain { get; }
    public string? PeerTable { get; }
    public long StartTimestamp { get; }
    public CancellationTokenSource Cancellation { get; } = new();
    public TaskCompletionSource<RunRecord> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public ITimer? Deadline { get; set; }
    public bool IsFinished => Volatile.Read(ref _finished) != 0;
    /// <summary>The first error nothing handled; the run fails with it.</summary>
    public StepError? Unhandled { get; private set; }
    public int Pending => Volatile.Read(ref _pending);
    /// <summary>The run's fan-outs awaiting collectors (created on the first one).</summary>
    public Parallel.RunGathers Gathers => LazyInitializer.EnsureInitialized(ref _gathers);
    /// <summary>Fan-outs opened so far, or null when none.</summary>
    public Parallel.RunGathers? GathersIfAny => Volatile.Read(ref _gathers);
    /// <summary>
    /// The pump stopped under the run (it ends <c>cancelled</c> and the host runs it again): its gathers stay in the
    /// shared backend so the next attempt finds the answers already collected.
    /// </summary>
    public bool Interrupted { get; set; }

    public void AddPending() => Interlocked.Increment(ref _pending);

    /// <summary>Returns true when this was the last pending message.</summary>
    public bool ReleasePending() => Interlocked.Decrement(ref _pending) == 0;

    public int NextStepIndex() => Interlocked.Increment(ref _stepIndex);

    /// <summary>Marks the run finished once; after this the record is frozen (late steps and outputs are ignored).</summary>
    public bool TryFinish()
    {
        lock (_lock)
        {
            return Interlocked.Exchange(ref _finished, 1) == 0;
        }
    }

    // Payload text of steps started and not yet recorded (the message a handler is working on), by step index.
    private readonly Dictionary<int, (long Chars, StepMemory? Held)> _inFlight = [];

    /// <summary>A step started: its input counts in <see cref="RetainedBytes"/> until it is recorded.</summary>
    public void StepInFlight(RunStep step, StepMemory? held = null)
    {
        lock (_lock)
        {
            if (_finished == 0) _inFlight[step.Index] = (step.PayloadIn?.Length ?? 0, held);
        }
    }

    /// <summary>Records a step; an error fails the run unless <paramref name="handled"/> (answered with a delivered SystemError) or a note.</summary>
    public void AddStep(RunStep step, bool handled = false)
    {
        lock (_lock)
        {
            if (_finished != 0)
            {
                return; // the record was handed out: never mutate it after the run ended
            }
            _inFlight.Remove(step.Index);
            var steps = Record.Steps;
            // Steps are recorded as they complete; keep them ordered by index for readers.
            var i = steps.Count;
            while (i > 0 && steps[i - 1].Index > step.Index)
            {
                i--;
            }
            steps.Insert(i, step);
            if (step.Error is not null && Unhandled is null && !handled && !StepCodes.IsNote(step.Error.Code))
            {
                Unhandled = step.Error;
            }
        }
    }

    public void AddOutput(RunOutput output)
    {
        lock (_lock)
        {
            if (_finished == 0)
            {
                Record.Outputs.Add(output);
            }
        }
    }

    /// <summary>A copy of the live record (steps and outputs as of now), taken under the lock the pump writes under.</summary>
    public RunRecord Snapshot()
    {
        lock (_lock)
        {
            return new RunRecord
            {
                RunId = Record.RunId, Status = Record.Status, StartedAt = Record.StartedAt, DurationMs = Record.DurationMs,
                Outputs = [.. Record.Outputs], Steps = [.. Record.Steps], Error = Record.Error,
            };
        }
    }

    /// <summary>
    /// Bytes the record holds in payload text (steps in and out, outputs) plus what the handlers of its steps in flight
    /// report holding (<see cref="StepMemory"/>), for the flow's memory estimate.
    /// </summary>
    public long RetainedBytes()
    {
        lock (_lock)
        {
            long chars = 0;
            foreach (var step in Record.Steps)
            {
                chars += step.PayloadIn?.Length ?? 0;
                if (step.PayloadsOut is { } outs) foreach (var o in outs) chars += o.Length;
            }
            foreach (var output in Record.Outputs) chars += output.Xml.Length;
            long handlers = 0;
            foreach (var (held, memory) in _inFlight.Values)
            {
                chars += held;
                handlers += memory?.Bytes ?? 0;
            }
            return 2 * chars + handlers + 256 * (Record.Steps.Count + _inFlight.Count + 1);
        }
    }

    public int OutputCount
    {
        get
        {
            lock (_lock)
            {
                return Record.Outputs.Count;
            }
        }
    }

    public void TrackThread(string uuid)
    {
        lock (_lock)
        {
            _threads.Add(uuid);
        }
    }

    public IReadOnlyList<string> Threads()
    {
        lock (_lock)
        {
            return [.. _threads];
        }
    }
}
