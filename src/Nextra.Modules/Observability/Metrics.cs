using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Nextra.Modules.Observability;

/// <summary>
/// The process's Prometheus metrics: counters, gauges and histograms with a fixed, small label
/// set each (status, method, code class, handler kind), so cardinality stays bounded whatever
/// the number of flows or runs. Written as Prometheus text 0.0.4 by <see cref="WriteTo"/>.
/// </summary>
public sealed class Metrics
{
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    private static readonly double[] DepthBuckets = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000];

    private readonly ConcurrentDictionary<string, Counter> _counters = new();
    private readonly ConcurrentDictionary<string, Histogram> _histograms = new();
    private readonly List<(string Name, string Help, Func<IEnumerable<(string Labels, double Value)>> Read)> _gauges = [];

    public Metrics()
    {
        DefineCounter("nextra_executions_total", "Runs finished, by final status.");
        DefineCounter("nextra_pump_messages_total", "Messages handled by listeners (steps), by handler kind.");
        DefineCounter("nextra_api_requests_total", "HTTP API requests, by method and status class.");
        DefineCounter("nextra_triggers_total", "Trigger injections accepted, by trigger type.");
        DefineHistogram("nextra_step_duration_seconds", "Listener step latency, by handler kind.", LatencyBuckets);
        DefineHistogram("nextra_run_duration_seconds", "Run latency from injection to final status.", LatencyBuckets);
        DefineHistogram("nextra_wake_seconds", "Time to start a sleeping flow on its next trigger.", LatencyBuckets);
        DefineHistogram("nextra_dispatch_queue_depth", "Depth of a flow's pump queue seen at each injection.", DepthBuckets);
    }

    public void Increment(string name, string labels = "", long by = 1) => _counters[name].Add(labels, by);

    public void Observe(string name, double value, string labels = "") => _histograms[name].Observe(labels, value);

    /// <summary>A gauge read at scrape time; <paramref name="read"/> yields (labels, value) pairs.</summary>
    public void DefineGauge(string name, string help, Func<IEnumerable<(string Labels, double Value)>> read)
    {
        lock (_gauges) _gauges.Add((name, help, read));
    }

    /// <summary>Formats labels: <c>Labels(("status", "ok"))</c> → <c>status="ok"</c>.</summary>
    public static string Labels(params (string Key, string Value)[] pairs) =>
        string.Join(",", pairs.Select(p => $"{p.Key}=\"{p.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\""));

    private void DefineCounter(string name, string help) => _counters[name] = new Counter(name, help);
    private void DefineHistogram(string name, string help, double[] buckets) => _histograms[name] = new Histogram(name, help, buckets);

    public void WriteTo(StringBuilder text)
    {
        List<(string Name, string Help, Func<IEnumerable<(string Labels, double Value)>> Read)> gauges;
        lock (_gauges) gauges = [.. _gauges];
        foreach (var (name, help, read) in gauges)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(" gauge\n");
            foreach (var (labels, value) in read()) Line(text, name, labels, value);
        }
        foreach (var counter in _counters.Values.OrderBy(c => c.Name, StringComparer.Ordinal)) counter.WriteTo(text);
        foreach (var histogram in _histograms.Values.OrderBy(h => h.Name, StringComparer.Ordinal)) histogram.WriteTo(text);
    }

    internal static void Line(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private sealed class Counter(string name, string help)
    {
        private readonly ConcurrentDictionary<string, StrongBox<long>> _values = new();
        public string Name => name;

        public void Add(string labels, long by) => Interlocked.Add(ref _values.GetOrAdd(labels, _ => new StrongBox<long>()).Value, by);

        public void WriteTo(StringBuilder text)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(" counter\n");
            foreach (var (labels, box) in _values.OrderBy(v => v.Key, StringComparer.Ordinal)) Line(text, name, labels, Interlocked.Read(ref box.Value));
        }
    }

    private sealed class StrongBox<T> where T : struct
    {
        public T Value;
    }

    private sealed class Histogram(string name, string help, double[] buckets)
    {
        private readonly ConcurrentDictionary<string, Series> _series = new();
        public string Name => name;

        public void Observe(string labels, double value) => _series.GetOrAdd(labels, _ => new Series(buckets.Length)).Observe(buckets, value);

        public void WriteTo(StringBuilder text)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(" histogram\n");
            foreach (var (labels, series) in _series.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                var prefix = labels.Length > 0 ? labels + "," : "";
                long cumulative = 0;
                for (var i = 0; i < buckets.Length; i++)
                {
                    cumulative += Interlocked.Read(ref series.Counts[i]);
                    Line(text, name + "_bucket", prefix + $"le=\"{buckets[i].ToString(CultureInfo.InvariantCulture)}\"", cumulative);
                }
                var count = Interlocked.Read(ref series.Count);
                Line(text, name + "_bucket", prefix + "le=\"+Inf\"", count);
                Line(text, name + "_sum", labels, Volatile.Read(ref series.Sum));
                Line(text, name + "_count", labels, count);
            }
        }
    }

    private sealed class Series(int buckets)
    {
        public readonly long[] Counts = new long[buckets];
        public long Count;
        public double Sum;

        public void Observe(double[] bounds, double value)
        {
            var i = Array.BinarySearch(bounds, value);
            if (i < 0) i = ~i;
            if (i < Counts.Length) Interlocked.Increment(ref Counts[i]);
            Interlocked.Increment(ref Count);
            double seen, updated;
            do
            {
                seen = Volatile.Read(ref Sum);
                updated = seen + value;
            } while (Interlocked.CompareExchange(ref Sum, updated, seen) != seen);
        }
    }
}
