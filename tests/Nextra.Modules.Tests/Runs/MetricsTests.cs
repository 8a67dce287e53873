using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Options;
using Nextra.Modules.Observability;

namespace Nextra.Modules.Tests.Runs;

public class MetricsTests
{
    private static Metrics Create(int maxFlowSeries = 500) => new(Options.Create(new MetricsOptions { MaxFlowSeries = maxFlowSeries }));

    private static string Text(Metrics metrics)
    {
        var text = new StringBuilder();
        metrics.WriteTo(text);
        return text.ToString();
    }

    [Fact]
    public void WriteTo_CountersGaugesHistograms_PrometheusTextWithSeedDimensions()
    {
        using var metrics = Create();
        for (var i = 0; i < 3; i++) metrics.RunFinished("f1", "succeeded", 0.2);
        metrics.StepFinished("f1", 0.003);
        metrics.StepFinished("f1", 2);
        metrics.ApiRequest("/api/flows/{id}", "GET", 200);
        metrics.Gauge("nextra_flows_total", "flows", () => [new Measurement<double>(2, new KeyValuePair<string, object?>("status", "running"))]);
        var s = Text(metrics);
        Assert.Contains("# TYPE nextra_executions_total counter\nnextra_executions_total{flow_id=\"f1\",status=\"succeeded\"} 3\n", s);
        Assert.Contains("nextra_pump_messages_total{flow_id=\"f1\"} 2\n", s);
        Assert.Contains("nextra_api_requests_total{route=\"/api/flows/{id}\",method=\"GET\",status=\"200\"} 1\n", s);
        Assert.Contains("# TYPE nextra_flows_total gauge\nnextra_flows_total{status=\"running\"} 2\n", s);
        Assert.Contains("nextra_step_duration_seconds_bucket{flow_id=\"f1\",le=\"0.0025\"} 0\n", s);
        Assert.Contains("nextra_step_duration_seconds_bucket{flow_id=\"f1\",le=\"0.005\"} 1\n", s);
        Assert.Contains("nextra_step_duration_seconds_bucket{flow_id=\"f1\",le=\"+Inf\"} 2\n", s);
        Assert.Contains("nextra_step_duration_seconds_count{flow_id=\"f1\"} 2\n", s);
        Assert.Contains("nextra_step_duration_seconds_sum{flow_id=\"f1\"} 2.003\n", s);
        Assert.Contains("nextra_run_duration_seconds_count{flow_id=\"f1\"} 3\n", s);
    }

    [Fact]
    public void FlowIds_BeyondMaxFlowSeries_FoldedIntoOther()
    {
        using var metrics = Create(maxFlowSeries: 3);
        for (var i = 0; i < 50; i++) metrics.RunFinished("flow" + i, "failed", 0.01);
        metrics.RunFinished("flow1", "failed", 0.01); // an admitted flow keeps its series
        var lines = Text(metrics).Split('\n').Where(l => l.StartsWith("nextra_executions_total{", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Contains("nextra_executions_total{flow_id=\"flow1\",status=\"failed\"} 2", lines);
        Assert.Contains("nextra_executions_total{flow_id=\"other\",status=\"failed\"} 47", lines);
        Assert.Equal(3, metrics.Flows.Count);
    }

    [Fact]
    public void Gauge_FoldedFlows_Summed()
    {
        using var metrics = Create(maxFlowSeries: 1);
        metrics.Gauge("nextra_pump_memory_bytes", "m", () =>
            new[] { "a", "b", "c" }.Select(f => new Measurement<double>(100, new KeyValuePair<string, object?>("flow_id", metrics.Flows.Tag(f)))));
        var s = Text(metrics);
        Assert.Contains("nextra_pump_memory_bytes{flow_id=\"a\"} 100\n", s);
        Assert.Contains("nextra_pump_memory_bytes{flow_id=\"other\"} 200\n", s);
        // Read again: gauges are not accumulated across scrapes.
        Assert.Contains("nextra_pump_memory_bytes{flow_id=\"other\"} 200\n", Text(metrics));
    }

    [Theory]
    [InlineData("Bearer s3cret", true)]
    [InlineData("bearer s3cret", true)]
    [InlineData("Bearer s3cre", false)]
    [InlineData("", false)]
    [InlineData("s3cret", false)]
    public void BearerMatches_ComparesToken(string header, bool expected) =>
        Assert.Equal(expected, ObservabilityEndpoints.BearerMatches(header, "s3cret"));
}
