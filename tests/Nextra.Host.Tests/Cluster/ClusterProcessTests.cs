using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Nextra.Host.Tests.Runs;
using Xunit.Abstractions;

namespace Nextra.Host.Tests.Cluster;

/// <summary>
/// Hosted mode with real processes: three <c>nextra serve</c> instances on one Postgres and one Redis. Any instance
/// answers anything; rotation, cancel and live events cross instances.
/// </summary>
public sealed class ClusterProcessTests(ITestOutputHelper output)
{
    [ClusterFact]
    public async Task ThreeInstances_AnyInstanceAnswersAnything()
    {
        await using var cluster = await HostedCluster.StartAsync(3);
        var key = await cluster.CreateUserAndKeyAsync("acme");
        using var one = cluster[0].Client(key);
        using var two = cluster[1].Client(key);
        using var three = cluster[2].Client(key);

        // A flow created through instance 1 runs from a webhook sent to instance 2 with ?wait, whoever owns it.
        var (flowId, hook) = await RunFlows.DeployAsync(one);
        var owner = await cluster.WaitForOwnerAsync(flowId);
        output.WriteLine($"flow {flowId} is owned by instance {owner}");
        var run = await RunFlows.SendAsync(two, hook, """{"name":"ada"}""", HttpStatusCode.OK);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal("done", run["outputs"]![0]!["listener"]!.GetValue<string>());
        // Without ?wait any instance acknowledges with 202, and any instance reads the run and its status.
        foreach (var client in new[] { one, two, three })
        {
            var accepted = await RunFlows.SendAsync(client, hook, """{"name":"vip"}""", HttpStatusCode.Accepted, "");
            var runId = accepted["runId"]!.GetValue<string>();
            Assert.Equal("succeeded", await cluster.WaitFinalAsync(three, runId));
            var read = await one.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}");
            Assert.Equal("vip", read!["outputs"]![0]!["listener"]!.GetValue<string>());
        }
        var status = await three.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/status");
        Assert.Equal("running", status!["status"]!.GetValue<string>());
        var runs = await two.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/runs");
        Assert.Equal(4, runs!["items"]!.AsArray().Count);

        // Token rotation through instance 1: the old URL is 404 on instance 3 at once, the new one works there.
        var rotated = await Json.PostAsync(one, $"/api/flows/{flowId}/triggers/hook/rotate", new { }, 200);
        var newHook = new Uri(rotated["url"]!.GetValue<string>()).PathAndQuery;
        Assert.NotEqual(hook, newHook);
        foreach (var client in new[] { three, two, one })
        {
            using var old = await client.PostAsync(hook, Json.Body("""{"name":"ada"}"""));
            Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        }
        Assert.Equal("succeeded", (await RunFlows.SendAsync(three, newHook, """{"name":"ada"}""", HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    [ClusterFact]
    public async Task ThreeInstances_CancelAndLiveEventsCrossInstances()
    {
        using var slow = new SlowHttpServer(TimeSpan.FromSeconds(20));
        await using var cluster = await HostedCluster.StartAsync(3, new Dictionary<string, string> { ["NEXTRA_EGRESS__ALLOW_LIST"] = "127.0.0.1" });
        var key = await cluster.CreateUserAndKeyAsync("cancel");
        using var admin = cluster[0].Client(key);
        var (flowId, hook) = await RunFlows.DeployAsync(admin, SlowFlow(slow.Port));
        var owner = await cluster.WaitForOwnerAsync(flowId);
        var others = Enumerable.Range(0, 3).Where(i => i != owner).ToArray();

        // Live events: a browser connected to an instance that does not run the flow sees its runs.
        var watcher = others[1];
        var updates = new ConcurrentQueue<JsonElement>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(new Uri(cluster.Url(watcher)), "/hubs/events"), o => o.Headers["Authorization"] = "Bearer " + key)
            .Build();
        hub.On<JsonElement>("RunUpdated", run => updates.Enqueue(run));
        await hub.StartAsync();
        await hub.InvokeAsync("WatchFlow", flowId);

        // A run started through one non-owner, cancelled through the other, ends cancelled long before the slow call returns.
        using var sender = cluster[others[0]].Client(key);
        var accepted = await RunFlows.SendAsync(sender, hook, """{"name":"ada"}""", HttpStatusCode.Accepted, "");
        var runId = accepted["runId"]!.GetValue<string>();
        for (var i = 0; i < 100 && slow.Requests == 0; i++) await Task.Delay(100);
        Assert.True(slow.Requests > 0, "the run never reached its slow step\n" + cluster.Logs());
        using var canceller = cluster[watcher].Client(key);
        var clock = Stopwatch.StartNew();
        using (var cancel = await canceller.PostAsync($"/api/runs/{runId}/cancel", null))
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("cancelled", await cluster.WaitFinalAsync(canceller, runId, seconds: 15));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"cancel took {clock.Elapsed}");

        for (var i = 0; i < 100 && !updates.Any(u => u.GetProperty("runId").GetString() == runId && u.GetProperty("status").GetString() == "cancelled"); i++)
            await Task.Delay(100);
        Assert.Contains(updates, u => u.GetProperty("runId").GetString() == runId && u.GetProperty("status").GetString() == "cancelled");
        output.WriteLine($"run on instance {owner}, sent to {others[0]}, cancelled and watched on {watcher}: {updates.Count} live updates");
    }

    internal static string SlowFlow(int port) => $$$"""
        organism: {name: slow-call}
        payloads:
          Greeting: {fields: {name: string}}
        triggers:
          - {name: hook, type: webhook, target: call, payload: Greeting}
        listeners:
          - name: call
            description: asks a slow server
            payload_class: Greeting
            handler: http
            peers: [done]
            config: {method: GET, url: "http://127.0.0.1:{{{port}}}/slow", timeout_seconds: 60}
          - {name: done, description: the answer, payload_class: HttpResponse, handler: output}
        """;
}
