using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Nextra.Modules.Observability;

/// <summary>
/// A per-stage timer of the run path for profiling (<c>bench/runs/profile.sh</c>), on only when the environment variable
/// <c>NEXTRA_LATENCY_PROBE=1</c> is set; off, every call is one test of a static read-only field the JIT folds away.
/// Stages along one request are marks on its run id: each mark adds the time since the run's previous mark to its
/// stage, so the stages of a run add up to its time in the server. Work beside the path (e.g. the inbox delete after the
/// answer) is timed with <see cref="Now"/> and <see cref="Add"/>. Every five seconds the means of the window are written
/// to standard error as one line (<c>latency-probe …</c>) and the window is reset. Process memory only: a profiling aid,
/// nothing reads it back.
/// </summary>
public static class LatencyProbe
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("NEXTRA_LATENCY_PROBE") == "1";

    private sealed class Stat
    {
        public long Ticks;
        public long Count;
    }

    private static readonly ConcurrentDictionary<string, long> Last = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Stat> Stats = new(StringComparer.Ordinal);
    private static readonly Timer? Reporter = Enabled ? new Timer(_ => Report(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)) : null;

    /// <summary>A timestamp when on, 0 when off.</summary>
    public static long Now() => Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Adds the time since <paramref name="start"/> (from <see cref="Now"/>) to <paramref name="stage"/>.</summary>
    public static void Add(string stage, long start)
    {
        if (!Enabled || start == 0) return;
        var stat = Stats.GetOrAdd(stage, _ => new Stat());
        Interlocked.Add(ref stat.Ticks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref stat.Count);
    }

    /// <summary>Starts the timeline of a run at <paramref name="start"/> (from <see cref="Now"/>).</summary>
    public static void Begin(string runId, long start)
    {
        if (!Enabled || start == 0) return;
        Last[runId] = start;
        GC.KeepAlive(Reporter);
    }

    /// <summary>Adds the time since the run's previous mark to <paramref name="stage"/> (nothing when the run has no timeline).</summary>
    public static void Mark(string runId, string stage)
    {
        if (!Enabled || !Last.TryGetValue(runId, out var previous)) return;
        Add(stage, previous);
        Last[runId] = Stopwatch.GetTimestamp();
    }

    /// <summary>The last mark of a run: its timeline ends.</summary>
    public static void End(string runId, string stage)
    {
        if (!Enabled) return;
        Mark(runId, stage);
        Last.TryRemove(runId, out _);
    }

    private static void Report()
    {
        var line = new StringBuilder("latency-probe window=5s");
        foreach (var (stage, stat) in Stats.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var count = Interlocked.Exchange(ref stat.Count, 0);
            var ticks = Interlocked.Exchange(ref stat.Ticks, 0);
            if (count == 0) continue;
            line.Append(CultureInfo.InvariantCulture, $" | {stage} n={count} mean_us={ticks * 1_000_000.0 / Stopwatch.Frequency / count:F1}");
        }
        Console.Error.WriteLine(line.ToString());
    }
}
