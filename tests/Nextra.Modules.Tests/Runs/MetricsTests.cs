using System.Text;
using Nextra.Modules.Observability;

namespace Nextra.Modules.Tests.Runs;

public class MetricsTests
{
    [Fact]
    public void WriteTo_CountersGaugesHistograms_PrometheusText()
    {
        var metrics = new Metrics();
        metrics.Increment("nextra_executions_total", Metrics.Labels(("status", "succeeded")), 3);
        metrics.Observe("nextra_step_duration_seconds", 0.003, Metrics.Labels(("kind", "branch")));
        metrics.Observe("nextra_step_duration_seconds", 2, Metrics.Labels(("kind", "branch")));
        metrics.DefineGauge("nextra_flows_total", "flows", () => [(Metrics.Labels(("status", "running")), 2)]);
        var text = new StringBuilder();
        metrics.WriteTo(text);
        var s = text.ToString();
        Assert.Contains("# TYPE nextra_executions_total counter\nnextra_executions_total{status=\"succeeded\"} 3\n", s);
        Assert.Contains("nextra_flows_total{status=\"running\"} 2\n", s);
        Assert.Contains("nextra_step_duration_seconds_bucket{kind=\"branch\",le=\"0.0025\"} 0\n", s);
        Assert.Contains("nextra_step_duration_seconds_bucket{kind=\"branch\",le=\"0.005\"} 1\n", s);
        Assert.Contains("nextra_step_duration_seconds_bucket{kind=\"branch\",le=\"+Inf\"} 2\n", s);
        Assert.Contains("nextra_step_duration_seconds_count{kind=\"branch\"} 2\n", s);
        Assert.Contains("nextra_step_duration_seconds_sum{kind=\"branch\"} 2.003\n", s);
    }
}
