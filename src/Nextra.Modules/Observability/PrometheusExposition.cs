using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Nextra.Modules.Observability;

/// <summary>
/// Listens to one <see cref="Meter"/> and writes its instruments as Prometheus text 0.0.4: counters summed per label
/// set, histograms with the buckets of their advice, observable gauges read at scrape time (equal label sets summed).
/// Kept beside the OpenTelemetry SDK rather than taking its Prometheus exporter, which is only published as a
/// pre-release: this is about 200 lines, allocation-light on the hot path and trimming/AOT-safe by construction.
/// </summary>
internal sealed class PrometheusExposition : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly Lock _scrape = new();

    public PrometheusExposition(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, meter)) return;
            Family family = instrument switch
            {
                Histogram<double> h => new HistogramFamily(instrument.Name, instrument.Description ?? "", h.Advice?.HistogramBucketBoundaries?.ToArray() ?? Metrics.LatencyBuckets),
                ObservableGauge<double> or ObservableGauge<long> => new GaugeFamily(instrument.Name, instrument.Description ?? ""),
                _ => new CounterFamily(instrument.Name, instrument.Description ?? ""),
            };
            _families[instrument.Name] = family;
            listener.EnableMeasurementEvents(instrument, family);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.Start();
    }

    public void WriteTo(StringBuilder text)
    {
        lock (_scrape)
        {
            foreach (var gauge in _families.Values.OfType<GaugeFamily>()) gauge.Reset();
            _listener.RecordObservableInstruments();
            foreach (var family in _families.Values.OrderBy(f => f.Order).ThenBy(f => f.Name, StringComparer.Ordinal)) family.WriteTo(text);
        }
    }

    public void Dispose() => _listener.Dispose();

    internal static void Line(StringBuilder text, string name, in SeriesKey key, string? extra, double value)
    {
        text.Append(name);
        if (key.Count > 0 || extra is not null)
        {
            text.Append('{');
            key.AppendTo(text);
            if (extra is not null) text.Append(key.Count > 0 ? "," : "").Append(extra);
            text.Append('}');
        }
        text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private abstract class Family(string name, string help, string type, int order)
    {
        public string Name => name;
        public int Order => order;
        public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);
        protected abstract void WriteSeries(StringBuilder text);

        public void WriteTo(StringBuilder text)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            WriteSeries(text);
        }
    }

    private sealed class CounterFamily(string name, string help) : Family(name, help, "counter", 1)
    {
        private readonly ConcurrentDictionary<SeriesKey, Box> _series = new();

        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            _series.GetOrAdd(SeriesKey.From(tags), static _ => new Box()).Add(value);

        protected override void WriteSeries(StringBuilder text)
        {
            foreach (var (key, box) in _series.OrderBy(s => s.Key.Sort, StringComparer.Ordinal)) Line(text, Name, key, null, box.Value);
        }
    }

    private sealed class GaugeFamily(string name, string help) : Family(name, help, "gauge", 0)
    {
        private readonly Dictionary<SeriesKey, double> _series = [];

        public void Reset() => _series.Clear();

        // Only called from RecordObservableInstruments, under the scrape lock.
        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = SeriesKey.From(tags);
            _series[key] = _series.GetValueOrDefault(key) + value;
        }

        protected override void WriteSeries(StringBuilder text)
        {
            foreach (var (key, value) in _series.OrderBy(s => s.Key.Sort, StringComparer.Ordinal)) Line(text, Name, key, null, value);
        }
    }

    private sealed class HistogramFamily(string name, string help, double[] bounds) : Family(name, help, "histogram", 2)
    {
        private readonly ConcurrentDictionary<SeriesKey, Buckets> _series = new();

        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            _series.GetOrAdd(SeriesKey.From(tags), _ => new Buckets(bounds.Length)).Observe(bounds, value);

        protected override void WriteSeries(StringBuilder text)
        {
            foreach (var (key, series) in _series.OrderBy(s => s.Key.Sort, StringComparer.Ordinal))
            {
                long cumulative = 0;
                for (var i = 0; i < bounds.Length; i++)
                {
                    cumulative += Interlocked.Read(ref series.Counts[i]);
                    Line(text, Name + "_bucket", key, "le=\"" + bounds[i].ToString(CultureInfo.InvariantCulture) + "\"", cumulative);
                }
                var count = Interlocked.Read(ref series.Count);
                Line(text, Name + "_bucket", key, "le=\"+Inf\"", count);
                Line(text, Name + "_sum", key, null, series.Sum.Value);
                Line(text, Name + "_count", key, null, count);
            }
        }
    }

    private sealed class Box
    {
        private double _value;
        public double Value => Volatile.Read(ref _value);

        public void Add(double by)
        {
            double seen, updated;
            do
            {
                seen = Volatile.Read(ref _value);
                updated = seen + by;
            } while (Interlocked.CompareExchange(ref _value, updated, seen) != seen);
        }
    }

    private sealed class Buckets(int count)
    {
        public readonly long[] Counts = new long[count];
        public long Count;
        public readonly Box Sum = new();

        public void Observe(double[] bounds, double value)
        {
            var i = Array.BinarySearch(bounds, value);
            if (i < 0) i = ~i;
            if (i < Counts.Length) Interlocked.Increment(ref Counts[i]);
            Interlocked.Increment(ref Count);
            Sum.Add(value);
        }
    }
}
