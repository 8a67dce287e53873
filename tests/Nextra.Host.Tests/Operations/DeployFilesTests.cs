using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nextra.Host.Tests.Runs;
using YamlDotNet.RepresentationModel;

namespace Nextra.Host.Tests.Operations;

/// <summary>
/// deploy/prometheus/alerts.yml and deploy/grafana/nextra.json parse, hold the seed's four rules, and name only series a
/// running server exposes (promtool is not installed here, so this is a structure test against a real scrape).
/// </summary>
public sealed partial class DeployFilesTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    [GeneratedRegex(@"\bnextra_[a-z_]+")]
    private static partial Regex MetricName();

    private async Task<HashSet<string>> ExposedAsync()
    {
        var owner = await factory.CreateUserAsync("deploy-files");
        var (_, hook) = await RunFlows.DeployAsync(owner.Client);
        await RunFlows.SendAsync(factory.CreateClient(), hook, """{"name":"ada"}""", HttpStatusCode.OK);
        var text = await factory.CreateClient().GetStringAsync("/metrics");
        return [.. text.Split('\n').Where(l => l.StartsWith("nextra_", StringComparison.Ordinal)).Select(l => MetricName().Match(l).Value)];
    }

    private static void AssertExposed(HashSet<string> exposed, string expr, List<string> failures)
    {
        foreach (Match m in MetricName().Matches(expr))
        {
            if (!exposed.Contains(m.Value)) failures.Add($"{m.Value} in {expr.Trim()}");
        }
    }

    [Fact]
    public async Task PrometheusRules_TheFourSeedAlerts_OnExposedSeries()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(RepoRoot.Path, "deploy", "prometheus", "alerts.yml"))) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var group = (YamlMappingNode)((YamlSequenceNode)root["groups"]).Children.Single();
        var rules = ((YamlSequenceNode)group["rules"]).Children.Cast<YamlMappingNode>().ToList();
        Assert.Equal(["error_rate", "memory_pressure", "pump_crash", "stuck_flow"],
            rules.Select(r => ((YamlScalarNode)((YamlMappingNode)r["labels"])["rule"]).Value).Order());
        Assert.All(rules, r => Assert.False(string.IsNullOrWhiteSpace(((YamlScalarNode)r["alert"]).Value)));
        var exposed = await ExposedAsync();
        var failures = new List<string>();
        foreach (var rule in rules) AssertExposed(exposed, ((YamlScalarNode)rule["expr"]).Value!, failures);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task GrafanaDashboard_Parses_EveryPanelQueriesExposedSeries()
    {
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoRoot.Path, "deploy", "grafana", "nextra.json")))!;
        Assert.Equal("nextra", dashboard["uid"]!.GetValue<string>());
        var panels = dashboard["panels"]!.AsArray();
        Assert.True(panels.Count >= 8);
        Assert.Equal(panels.Count, panels.Select(p => p!["id"]!.GetValue<int>()).Distinct().Count());
        var exprs = panels.SelectMany(p => p!["targets"]!.AsArray()).Select(t => t!["expr"]!.GetValue<string>()).ToList();
        foreach (var name in (string[])["nextra_executions_total", "nextra_pump_messages_total", "nextra_pump_memory_bytes", "nextra_api_requests_total",
                     "nextra_flows_total", "nextra_run_duration_seconds_bucket", "nextra_step_duration_seconds_bucket"])
            Assert.Contains(exprs, e => e.Contains(name, StringComparison.Ordinal));
        var exposed = await ExposedAsync();
        var failures = new List<string>();
        foreach (var expr in exprs) AssertExposed(exposed, expr, failures);
        Assert.Empty(failures);
    }
}
