using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;

namespace Nextra.Modules.Observability;

/// <summary>
/// The process's metrics as <see cref="System.Diagnostics.Metrics"/> instruments on one <see cref="Meter"/> named
/// <see cref="MeterName"/> (so the OpenTelemetry SDK can export them over OTLP), with the seed's names and dimensions.
/// Every <c>flow_id</c> label goes through <see cref="FlowSeries"/> (at most <c>[metrics] max_flow_series</c>), every
/// other label has a closed set of values (statuses, route templates, methods), so cardinality stays bounded.
/// <c>/metrics</c> is written from these instruments by <see cref="PrometheusExposition"/>.
/// </summary>
[ModuleContract("the process's one meter: modules record runs, steps and triggers on its instruments")]
public sealed class Metrics : IDisposable
{
    public const string MeterName = "Nextra";

    internal static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
    private static readonly double[] DepthBuckets = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000];
    private static readonly string[] StatusCodes = Enumerable.Range(0, 600).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private readonly Meter _meter;
    private readonly PrometheusExposition _exposition;
    private readonly Counter<long> _executions;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _api;
    private readonly Counter<long> _triggers;
    private readonly Counter<long> _usage;
    private readonly Counter<long> _refunds;
    private readonly Histogram<double> _runDuration;
    private readonly Histogram<double> _stepDuration;
    private readonly Histogram<double> _wake;
    private readonly Histogram<double> _dispatchDepth;

    public Metrics(IOptions<MetricsOptions> options)
    {
        Flows = new FlowSeries(Math.Max(0, options.Value.MaxFlowSeries));
        // One meter per container (not a static): test hosts in one process never mix their counts.
        _meter = new Meter(MeterName, "1.0");
        _exposition = new PrometheusExposition(_meter);
        _executions = _meter.CreateCounter<long>("nextra_executions_total", description: "Runs finished, by flow and final status.");
        _messages = _meter.CreateCounter<long>("nextra_pump_messages_total", description: "Messages handled by listeners (steps), by flow.");
        _api = _meter.CreateCounter<long>("nextra_api_requests_total", description: "HTTP API requests, by route template, method and status code.");
        _usage = _meter.CreateCounter<long>("nextra_usage_total", description: "Billed units counted (R10 ledger +1 entries), by unit.");
        _refunds = _meter.CreateCounter<long>("nextra_usage_refunds_total", description: "Billed units refunded (R10 ledger -1 entries), by unit.");
        _triggers = _meter.CreateCounter<long>("nextra_triggers_total", description: "Trigger injections accepted, by trigger type.");
        _runDuration = Histogram("nextra_run_duration_seconds", "Run latency from start to final status, by flow.", LatencyBuckets);
        _stepDuration = Histogram("nextra_step_duration_seconds", "Listener step latency, by flow.", LatencyBuckets);
        _wake = Histogram("nextra_wake_seconds", "Time to start a sleeping flow on its next trigger.", LatencyBuckets);
        _dispatchDepth = Histogram("nextra_dispatch_queue_depth", "Depth of a flow's pump queue seen at each injection.", DepthBuckets);
    }

    /// <summary>For tests and the OpenTelemetry SDK: the meter every instrument lives on.</summary>
    public Meter Meter => _meter;

    /// <summary>The flow ids admitted as their own series.</summary>
    public FlowSeries Flows { get; }

    public void RunFinished(string flowId, string status, double seconds)
    {
        var flow = new KeyValuePair<string, object?>("flow_id", Flows.Tag(flowId));
        _executions.Add(1, flow, new KeyValuePair<string, object?>("status", status));
        _runDuration.Record(seconds, flow);
    }

    public void StepFinished(string flowId, double seconds)
    {
        var flow = new KeyValuePair<string, object?>("flow_id", Flows.Tag(flowId));
        _messages.Add(1, flow);
        _stepDuration.Record(seconds, flow);
    }

    /// <param name="route">The route template (never the raw path).</param>
    public void ApiRequest(string route, string method, int status) =>
        _api.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("status", status is >= 0 and < 600 ? StatusCodes[status] : "other"));

    /// <summary>Units counted (<c>nextra_usage_total{unit}</c>).</summary>
    public void Usage(string unit, long qty) => _usage.Add(qty, new KeyValuePair<string, object?>("unit", unit));

    /// <summary>Units refunded (<c>nextra_usage_refunds_total{unit}</c>).</summary>
    public void UsageRefunded(string unit, long qty) => _refunds.Add(qty, new KeyValuePair<string, object?>("unit", unit));

    public void TriggerAccepted(string type) => _triggers.Add(1, new KeyValuePair<string, object?>("type", type));

    public void Woke(double seconds) => _wake.Record(seconds);

    public void DispatchDepth(int depth) => _dispatchDepth.Record(depth);

    /// <summary>A gauge read at scrape time; measurements with equal labels are summed (flows folded into "other").</summary>
    public void Gauge(string name, string help, Func<IEnumerable<Measurement<double>>> read) =>
        _meter.CreateObservableGauge(name, read, description: help);

    /// <summary>Prometheus text exposition 0.0.4 of every instrument.</summary>
    public void WriteTo(StringBuilder text) => _exposition.WriteTo(text);

    public void Dispose()
    {
        _exposition.Dispose();
        _meter.Dispose();
    }

    private Histogram<double> Histogram(string name, string help, double[] buckets) =>
        _meter.CreateHistogram(name, unit: null, description: help, tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
}
