using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Xml.Linq;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Memory;
using Nextra.Pump.Messages;
using Nextra.Pump.Routing;
using Nextra.Pump.Runs;

namespace Nextra.Pump.Runtime;

/// <summary>
/// The message bus of one flow (xml-pipeline's StreamPump): a queue of hops served by
/// <c>max_concurrent_handlers</c> workers, per-agent gates, handler timeouts, a depth limit,
/// backpressure on injection, runs with traces, hot reload and a bounded drain on stop.
/// </summary>
public sealed partial class StreamPump : IFlowPump, Parallel.IGatherHost
{
    public const string BootListener = "system.boot";

    private readonly HandlerRegistry _registry;
    private readonly Parallel.ParallelCoordinator _parallel;
    private readonly IFlowServices _services;
    private readonly IPumpObserver? _observer;
    private readonly PumpOptions _options;
    private readonly TimeProvider _time;
    /// <summary>Messages of runs already under way (emissions, fan-out signals); workers take these first.</summary>
    private readonly Channel<PumpMessage> _queue;
    /// <summary>
    /// Injected payloads, each starting a run. Kept apart so a run under way never waits behind runs not yet
    /// started: in a one-at-a-time flow with a backlog, each run finishes before the next begins, instead of every
    /// run's first step going first and all of them being half done when the server dies.
    /// </summary>
    private readonly Channel<PumpMessage> _fresh;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, RunState> _runs = new(StringComparer.Ordinal);
    private readonly Lock _spaceLock = new();
    private readonly Lock _lifecycle = new();
    private TaskCompletionSource? _spaceFreed;
    private Task[] _loops = [];
    private readonly System.Collections.Concurrent.ConcurrentStack<WorkerSlot> _slotPool = new();
    private SemaphoreSlim _handlerSlots = new(1);
    private int _inFlight;
    private volatile PumpState _state;
    private int _queued;
    private int _reloads;
    private volatile bool _started;
    private volatile bool _stopping;
    private bool _disposed;

    public StreamPump(FlowDefinition flow, HandlerRegistry registry, IFlowServices services, IPumpObserver? observer = null, PumpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(services);
        _registry = registry;
        _services = services;
        _observer = observer;
        _options = options ?? new PumpOptions();
        _time = services.Time ?? TimeProvider.System;
        var backend = services.SharedState ?? _options.Backend ?? new InMemorySharedBackend();
        Threads = new ThreadRegistry(backend);
        Buffer = new ContextBuffer(backend, _options.MaxSlotsPerThread, _options.MaxThreads);
        _parallel = new Parallel.ParallelCoordinator(backend, _time, this);
        _queue = Channel.CreateUnbounded<PumpMessage>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
        _fresh = Channel.CreateUnbounded<PumpMessage>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
        _state = BuildState(flow, null, out _);
        PeerTables = new PeerTableRegistry(name => _state.ByName.TryGetValue(name, out var l) ? l.Def.Peers : null);
        PeerTables.RegisterAll(flow.PeerTables);
    }

    public FlowDefinition Flow => _state.Flow;
    public int QueueDepth => Volatile.Read(ref _queued);
    public int ActiveRuns => _runs.Count;

    // Rough per-item sizes behind the estimate: a queued hop (envelope parts and a small XElement tree), a cached
    // thread entry (uuid, chain, dictionary slots). Payload text of active runs is counted at two bytes a char.
    private const long QueuedMessageBytes = 1024;
    private const long ThreadEntryBytes = 256;

    public long EstimatedMemoryBytes
    {
        get
        {
            long bytes = QueueDepth * QueuedMessageBytes + Threads.CachedCount * ThreadEntryBytes;
            foreach (var run in _runs.Values) bytes += run.RetainedBytes();
            return bytes;
        }
    }
    public ThreadRegistry Threads { get; }
    public ContextBuffer Buffer { get; }
    public PeerTableRegistry PeerTables { get; }
    /// <summary>The services this pump lends its handlers.</summary>
    public IFlowServices Services => _services;
    /// <summary>Compiled payload classes of the current definition.</summary>
    public IPayloadSchemaLookup Schemas => _state.Schemas;
    /// <summary>The chain of the pump's root thread: <c>system.&lt;organism&gt;</c>.</summary>
    public string RootChain => "system." + _state.Flow.Name;
    public string? RootThreadId { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        lock (_lifecycle)
        {
            if (_started || _stopping)
            {
                return; // idempotent: system listeners and Boot are set up once
            }
            _started = true;
        }
        RootThreadId = await Threads.GetOrCreateAsync("system", RootChain, ct).ConfigureAwait(false);
        var cap = Math.Max(1, _state.Flow.MaxConcurrentHandlers);
        _handlerSlots = new SemaphoreSlim(cap, cap);
        var count = Math.Min(cap, Math.Max(1, Environment.ProcessorCount));
        _loops = new Task[count];
        for (var i = 0; i < count; i++)
        {
            _loops[i] = Task.Run(LoopAsync, CancellationToken.None);
        }
        if (_options.SendBoot)
        {
            var boot = new XElement(BuiltInPayloads.Boot,
                new XElement("OrganismName", _state.Flow.Name),
                new XElement("Timestamp", _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)),
                new XElement("ListenerCount", _state.Listeners.Count(l => !l.IsSystem)));
            Enqueue(new PumpMessage
            {
                Payload = boot, Schema = _state.Schemas.Find(BuiltInPayloads.Boot)!, From = "system", To = BootListener,
                ThreadId = RootThreadId, Chain = RootChain, Depth = 0, Run = null,
            });
        }
        Log("info", $"pump '{_state.Flow.Name}' started: {count} dispatch loops, {cap} handlers at most");
    }

    public async Task<IReadOnlyList<string>> StopAsync(TimeSpan drain, CancellationToken ct)
    {
        lock (_lifecycle)
        {
            if (_disposed)
            {
                return [];
            }
            _stopping = true;
        }
        ReleaseSpaceWaiters();
        if (drain > TimeSpan.Zero && !_runs.IsEmpty)
        {
            var waitAll = Task.WhenAll(_runs.Values.Select(r => r.Completion.Task));
            try
            {
                await waitAll.WaitAsync(drain, _time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Drain time is up: whatever is still running is cancelled below.
            }
            catch (OperationCanceledException)
            {
                // The caller gave up waiting: cancel the rest now.
            }
        }
        var unfinished = new List<string>();
        foreach (var run in _runs.Values.ToList())
        {
            if (Finish(run, "cancelled", new StepError(StepCodes.Cancelled, "the pump stopped before the run finished"), interrupted: true))
            {
                unfinished.Add(run.RunId);
            }
        }
        _queue.Writer.TryComplete();
        _fresh.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5), _time, CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < 500 && Volatile.Read(ref _inFlight) > 0; i++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), _time, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            Log("warning", "some handlers ignored cancellation and were abandoned at stop");
        }
        Log("info", $"pump '{_state.Flow.Name}' stopped; {unfinished.Count} run(s) cancelled");
        return unfinished;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        lock (_lifecycle)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        _stop.Dispose();
        await DisposeHandlersAsync(_state.Listeners).ConfigureAwait(false);
    }

    /// <summary>Releases handlers that hold resources (a plugin's collectible load context, compiled templates).</summary>
    private async Task DisposeHandlersAsync(IEnumerable<ListenerRuntime> listeners)
    {
        foreach (var handler in listeners.Select(l => l.Handler).Distinct())
        {
            try
            {
                if (handler is IAsyncDisposable asyncDisposable)
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                else if (handler is IDisposable disposable)
                    disposable.Dispose();
            }
            catch (Exception ex)
            {
                Log("warning", $"a handler failed to release its resources: {ex.Message}");
            }
        }
    }

    public bool CancelRun(string runId) =>
        _runs.TryGetValue(runId, out var run) && Finish(run, "cancelled", new StepError(StepCodes.Cancelled, "the run was cancelled"));

    /// <summary>The live record of a running run, or null.</summary>
    public RunRecord? FindRun(string runId) => _runs.TryGetValue(runId, out var r) ? r.Record : null;

    private void Enqueue(PumpMessage message, bool startsRun = false)
    {
        message.Run?.AddPending();
        Interlocked.Increment(ref _queued);
        if (!(startsRun ? _fresh : _queue).Writer.TryWrite(message))
        {
            // The pump is stopping: the run was (or is being) finished as cancelled.
            Interlocked.Decrement(ref _queued);
            if (message.Run is { } run && run.ReleasePending())
            {
                CompleteRun(run);
            }
        }
    }

    private void OnDequeued()
    {
        var depth = Interlocked.Decrement(ref _queued);
        if (Volatile.Read(ref _spaceFreed) is not null && depth < _state.Flow.QueueCapacity)
        {
            ReleaseSpaceWaiters();
        }
    }

    private void ReleaseSpaceWaiters()
    {
        TaskCompletionSource? tcs;
        lock (_spaceLock)
        {
            tcs = _spaceFreed;
            _spaceFreed = null;
        }
        tcs?.TrySetResult();
    }

    /// <summary>Backpressure: waits until the queue is below capacity; never drops.</summary>
    private async ValueTask WaitForSpaceAsync(CancellationToken ct)
    {
        while (Volatile.Read(ref _queued) >= _state.Flow.QueueCapacity)
        {
            Task wait;
            lock (_spaceLock)
            {
                if (Volatile.Read(ref _queued) < _state.Flow.QueueCapacity)
                {
                    break;
                }
                _spaceFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _spaceFreed.Task;
            }
            try
            {
                await wait.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new PumpException("queue_full", $"the queue holds {QueueDepth} messages (capacity {_state.Flow.QueueCapacity}) and the injection was not accepted before it was cancelled");
            }
            if (_stopping)
            {
                throw new PumpException("pump_stopped", "the pump is stopping and takes no more injections");
            }
        }
    }

    void Parallel.IGatherHost.EnqueueSignal(PumpMessage message) => Enqueue(message);

    IPayloadSchema Parallel.IGatherHost.SystemErrorSchema => _state.Schemas.Find(BuiltInPayloads.SystemError)!;

    void Parallel.IGatherHost.Log(string level, string message) => Log(level, message);

    private void Log(string level, string message)
    {
        try
        {
            _observer?.Log(level, message);
        }
        catch (Exception)
        {
            // Observers must not break the pump (xml-pipeline §9.20).
        }
    }

    private void Agent(string listener, string state, string threadId)
    {
        if (_observer is null)
        {
            return;
        }
        try
        {
            _observer.AgentState(listener, state, threadId);
        }
        catch (Exception ex)
        {
            Log("warning", $"observer failed on AgentState: {ex.Message}");
        }
    }
}
