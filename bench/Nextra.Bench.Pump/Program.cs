using System.Diagnostics;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runs;
using Nextra.Pump.Runtime;

// Hops/s through the real pump with full validation (every emitted payload is checked against its
// compiled schema, every hop is routed, buffered, traced and observed).
//   dotnet run -c Release --project bench/Nextra.Bench.Pump [-- seconds concurrency]
AllocProfile? profile = null;
var warmOnly = false;
if (args.Length > 0 && args[0] == "alloc")
{
    profile = new AllocProfile();
    args = args[1..];
}
if (args.Length > 0 && args[0] == "probe")
{
    Probe.Run();
    return;
}
var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
var concurrency = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;

const string Chain = """
organism: {name: bench-chain}
payloads:
  Job: {fields: {Id: string, Size: int, Tags: {type: list, of: string}}}
listeners:
  - {name: a, description: first, payload_class: Job, handler: branch, config: {else: b}}
  - {name: b, description: second, payload_class: Job, handler: branch, config: {cases: [{if: "Size > 1000", to: a}], else: c}}
  - {name: c, description: sink, payload_class: Job, handler: output}
""";

const string Fanout = """
organism: {name: bench-fanout}
payloads:
  Event: {fields: {Id: string, Size: int}}
listeners:
  - {name: s1, description: sub, payload_class: Event, handler: output, broadcast: true}
  - {name: s2, description: sub, payload_class: Event, handler: output, broadcast: true}
  - {name: s3, description: sub, payload_class: Event, handler: output, broadcast: true}
  - {name: s4, description: sub, payload_class: Event, handler: output, broadcast: true}
""";

Console.WriteLine($"Nextra pump bench: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.#} s per case, {concurrency} runs in flight");
// Warm every path first: on a busy machine tiered JIT otherwise penalises whichever case runs first.
warmOnly = true;
await RunCase("warm-up", Chain, "<Job><Id>j</Id><Size>7</Size><Tags><Item>x</Item></Tags></Job>", "a", 3, seconds, concurrency, record: true);
await RunCase("warm-up", Fanout, "<Event><Id>e</Id><Size>1</Size></Event>", null, 4, seconds, concurrency, record: false);
await RunCase("warm-up", Chain, "<Job><Id>j</Id><Size>7</Size><Tags><Item>x</Item></Tags></Job>", "a", 3, seconds, concurrency, record: false);
warmOnly = false;
await RunCase("3-listener chain, trace without payload XML", Chain, "<Job><Id>j</Id><Size>7</Size><Tags><Item>x</Item></Tags></Job>", "a", 3, seconds, concurrency, record: false);
await RunCase("3-listener forward chain (a→b→c, branch+branch+output)", Chain, "<Job><Id>j</Id><Size>7</Size><Tags><Item>x</Item></Tags></Job>", "a", 3, seconds, concurrency, record: true);
await RunCase("broadcast fan-out (1 injection → 4 broadcast outputs)", Fanout, "<Event><Id>e</Id><Size>1</Size></Event>", null, 4, seconds, concurrency, record: true);

async Task RunCase(string name, string yaml, string payload, string? target, int hopsPerRun, double seconds, int concurrency, bool record)
{
    var loaded = FlowLoader.Load(yaml);
    if (loaded.Flow is null)
    {
        throw new InvalidOperationException(string.Join("\n", loaded.Problems));
    }
    var observer = new LatencyObserver();
    await using var pump = new StreamPump(loaded.Flow, new HandlerRegistry(), new LocalFlowServices(loaded.Flow), observer,
        new PumpOptions { RecordPayloads = record });
    await pump.StartAsync(CancellationToken.None);

    // Warm-up (JIT, tiering).
    await Drive(pump, payload, target, TimeSpan.FromSeconds(Math.Max(2, seconds / 2)), concurrency, null);
    if (warmOnly)
    {
        return;
    }
    observer.Reset();
    GC.Collect();
    var gcBefore = GC.CollectionCount(0);
    var allocBefore = GC.GetTotalAllocatedBytes(true);
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    if (profile is not null)
    {
        profile.On = true;
    }
    var (runs, failed) = await Drive(pump, payload, target, TimeSpan.FromSeconds(seconds), concurrency, observer);
    if (profile is not null)
    {
        profile.On = false;
        profile.Print();
    }
    sw.Stop();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    var alloc = GC.GetTotalAllocatedBytes(true) - allocBefore;
    var hops = (long)runs * hopsPerRun;
    var lat = observer.Latencies();
    Console.WriteLine();
    Console.WriteLine($"## {name}{(record ? "" : "")}");
    Console.WriteLine($"runs {runs:N0} ({failed} not succeeded), hops {hops:N0} in {sw.Elapsed.TotalSeconds:0.00} s");
    Console.WriteLine($"throughput   {hops / sw.Elapsed.TotalSeconds:N0} validated hops/s ({runs / sw.Elapsed.TotalSeconds:N0} runs/s)");
    var cpuPerHop = cpu.TotalMicroseconds / hops;
    Console.WriteLine($"cpu          {cpuPerHop:0.0} µs/hop of process CPU time → {Environment.ProcessorCount * 1e6 / cpuPerHop:N0} hops/s if the {Environment.ProcessorCount} cores were ours alone");
    Console.WriteLine($"allocations  {alloc / (double)hops:N0} B/hop, gen0 GCs {GC.CollectionCount(0) - gcBefore}");
    Console.WriteLine($"hop latency  p50 {Pct(lat, 0.50):0.0} µs, p99 {Pct(lat, 0.99):0.0} µs, max {(lat.Length > 0 ? lat[^1] : 0):0.0} µs ({lat.Length:N0} samples; enqueue → handled, under load)");
}

static async Task<(int Runs, int Failed)> Drive(StreamPump pump, string payload, string? target, TimeSpan duration, int concurrency, LatencyObserver? observer)
{
    var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var runs = 0;
    var failed = 0;
    var workers = Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (Stopwatch.GetTimestamp() < until)
        {
            var injectedAt = Stopwatch.GetTimestamp();
            var handle = await pump.InjectAsync(new Injection { PayloadXml = payload, Target = target, Source = "bench" }, CancellationToken.None);
            observer?.Injected(handle.RunId, injectedAt);
            var record = await handle.Completion;
            Interlocked.Increment(ref runs);
            if (record.Status != "succeeded")
            {
                Interlocked.Increment(ref failed);
            }
        }
    }).ToArray();
    await Task.WhenAll(workers);
    return (runs, failed);
}

static double Pct(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

/// <summary>Hop latency: from the moment a payload was emitted (injection or previous step's end) to the end of the step that handled it.</summary>
sealed class LatencyObserver : IPumpObserver
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _last = new();
    private double[] _samples = new double[4_000_000];
    private int _count;

    public void Injected(string runId, long at) => _last.TryAdd(runId, at);

    public void StepCompleted(RunRecord run, RunStep step)
    {
        var now = Stopwatch.GetTimestamp();
        // Fan-out steps share their emission time; chains chain from the previous step.
        if (_last.TryGetValue(run.RunId, out var prev))
        {
            var i = Interlocked.Increment(ref _count) - 1;
            if (i < _samples.Length)
            {
                _samples[i] = (now - prev) * 1e6 / Stopwatch.Frequency;
            }
            if (step.To is not null)
            {
                _last[run.RunId] = now;
            }
        }
    }

    public void RunCompleted(RunRecord run) => _last.TryRemove(run.RunId, out _);

    public void Reset()
    {
        _count = 0;
        _last.Clear();
    }

    public double[] Latencies()
    {
        var n = Math.Min(_count, _samples.Length);
        var copy = _samples.AsSpan(0, n).ToArray();
        Array.Sort(copy);
        return copy;
    }
}
