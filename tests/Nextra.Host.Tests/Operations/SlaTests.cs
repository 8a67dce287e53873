using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nextra.Host.Tests.Runs;

namespace Nextra.Host.Tests.Operations;

/// <summary>The host sampling uptime every half second.</summary>
public sealed class SlaFactory : NextraFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [new("Sla:SampleSeconds", "0.5")];
}

public sealed class SlaTests(SlaFactory factory) : IClassFixture<SlaFactory>
{
    [Fact]
    public async Task Sla_KnownRuns_NumbersPerFlowAndForTheTenant()
    {
        var owner = await factory.CreateUserAsync("sla-known");
        var (good, goodHook) = await RunFlows.DeployAsync(owner.Client);
        var (bad, badHook) = await RunFlows.DeployAsync(owner.Client, TestFlows.Trapping);
        var anonymous = factory.CreateClient();
        var durations = new List<long>();
        for (var i = 0; i < 4; i++)
            durations.Add((await RunFlows.SendAsync(anonymous, goodHook, """{"name":"ada"}""", HttpStatusCode.OK))["durationMs"]!.GetValue<long>());
        string? code = null;
        for (var i = 0; i < 2; i++)
        {
            var failed = await RunFlows.SendAsync(anonymous, badHook, """{"Text":"x"}""", HttpStatusCode.OK);
            Assert.Equal("failed", failed["status"]!.GetValue<string>());
            code = failed["error"]!["code"]!.GetValue<string>();
        }
        await Task.Delay(1500); // a few uptime samples

        var sla = (await owner.Client.GetFromJsonAsync<JsonObject>("/api/sla?window=1h"))!;
        Assert.Equal(["alerts", "flows", "from", "tenant", "to", "window"], sla.Select(p => p.Key).Order());
        Assert.Equal("1h", sla["window"]!.GetValue<string>());
        var tenant = sla["tenant"]!;
        Assert.Equal((6L, 4L, 2L), (tenant["runs"]!.GetValue<long>(), tenant["succeeded"]!.GetValue<long>(), tenant["failed"]!.GetValue<long>()));
        Assert.Equal(0.6667, tenant["successRate"]!.GetValue<double>());
        var error = Assert.Single(tenant["errors"]!.AsArray());
        Assert.Equal((code, 2L), (error!["code"]!.GetValue<string>(), error["count"]!.GetValue<long>()));
        Assert.True(tenant["p50Ms"]!.GetValue<double>() <= tenant["p95Ms"]!.GetValue<double>());
        Assert.True(tenant["p95Ms"]!.GetValue<double>() <= tenant["p99Ms"]!.GetValue<double>());

        var flows = sla["flows"]!.AsArray();
        var g = flows.Single(f => f!["flowId"]!.GetValue<string>() == good)!["numbers"]!;
        Assert.Equal((4L, 1.0), (g["runs"]!.GetValue<long>(), g["successRate"]!.GetValue<double>()));
        Assert.Empty(g["errors"]!.AsArray());
        // The p99 of four runs lies in the bucket of the slowest one.
        var slowest = Nextra.Modules.Runs.RunRollups.BucketOf(durations.Max());
        Assert.True(g["p99Ms"]!.GetValue<double>() <= Nextra.Modules.Runs.RunRollups.BucketsMs[slowest]);
        Assert.True(g["runningMinutes"]!.GetValue<long>() >= 1);
        Assert.True(g["uptimePercent"]!.GetValue<double>() > 0);
        var b = flows.Single(f => f!["flowId"]!.GetValue<string>() == bad)!["numbers"]!;
        Assert.Equal((2L, 0.0), (b["runs"]!.GetValue<long>(), b["successRate"]!.GetValue<double>()));

        // Another tenant sees none of it; a window outside the set is refused.
        var other = await factory.CreateUserAsync("sla-other");
        var empty = (await other.Client.GetFromJsonAsync<JsonObject>("/api/sla?window=30d"))!;
        Assert.Equal(0L, empty["tenant"]!["runs"]!.GetValue<long>());
        Assert.Null(empty["tenant"]!["successRate"]?.GetValue<double?>());
        Assert.Empty(empty["flows"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.Client.GetAsync("/api/sla?window=2h")).StatusCode);
    }
}
