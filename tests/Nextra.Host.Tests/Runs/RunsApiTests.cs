using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Runs;

public class RunsApiTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    [ProviderFact]
    public async Task Webhook_Wait_AnswersRunAndHistoryHasEveryStep()
    {
        var owner = await factory.CreateUserAsync("webhook-wait");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client);
        var anonymous = factory.CreateClient();
        var run = await RunFlows.SendAsync(anonymous, hook, """{"name":"ada"}""", HttpStatusCode.OK);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal(flowId, run["flowId"]!.GetValue<string>());
        Assert.Equal("webhook:hook", run["trigger"]!.GetValue<string>());
        Assert.Equal("done", run["outputs"]![0]!["listener"]!.GetValue<string>());
        var runId = run["runId"]!.GetValue<string>();

        var stored = await owner.Client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}");
        var steps = stored!["steps"]!.AsArray();
        var route = steps.Single(s => s!["listener"]!.GetValue<string>() == "route")!;
        Assert.Contains("<name>ada</name>", route["payloadIn"]!.GetValue<string>());
        Assert.Contains(steps, s => s!["listener"]!.GetValue<string>() == "done");

        var page = await owner.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/runs?status=succeeded&limit=10");
        Assert.Contains(page!["items"]!.AsArray(), i => i!["runId"]!.GetValue<string>() == runId);
        var flows = await owner.Client.GetFromJsonAsync<JsonArray>("/api/flows");
        Assert.Equal(runId, flows!.Single(f => f!["id"]!.GetValue<string>() == flowId)!["lastRun"]!["runId"]!.GetValue<string>());
    }

    [ProviderFact]
    public async Task Webhook_NoWait_Acknowledges202ThenRunFinishes()
    {
        var owner = await factory.CreateUserAsync("webhook-202");
        var (_, hook) = await RunFlows.DeployAsync(owner.Client);
        var accepted = await RunFlows.SendAsync(factory.CreateClient(), hook, """{"name":"vip"}""", HttpStatusCode.Accepted, "");
        var runId = accepted["runId"]!.GetValue<string>();
        JsonObject? run = null;
        for (var i = 0; i < 100; i++)
        {
            run = await owner.Client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}");
            if (run!["status"]!.GetValue<string>() is "succeeded" or "failed") break;
            await Task.Delay(50);
        }
        Assert.Equal("succeeded", run!["status"]!.GetValue<string>());
        Assert.Equal("vip", run["outputs"]![0]!["listener"]!.GetValue<string>());
    }

    [ProviderFact]
    public async Task Webhook_WrongTokenOrUnknownFlow_SameNotFound_RightTokenToStoppedFlow_SaysStartIt()
    {
        var owner = await factory.CreateUserAsync("webhook-404");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client);
        var anonymous = factory.CreateClient();
        var wrong = await anonymous.PostAsync($"/api/triggers/{flowId}/webhook/not-the-token", Json.Body("{}"));
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        var unknown = await anonymous.PostAsync($"/api/triggers/{Guid.NewGuid()}/webhook/not-the-token", Json.Body("{}"));
        await Json.PostAsync(owner.Client, $"/api/flows/{flowId}/stop", new { }, 200);
        var wrongWhileStopped = await anonymous.PostAsync($"/api/triggers/{flowId}/webhook/not-the-token", Json.Body("{}"));
        var generic = await Json.ReadAsync(wrong);
        foreach (var same in new[] { unknown, wrongWhileStopped })
        {
            Assert.Equal(HttpStatusCode.NotFound, same.StatusCode);
            var body = await Json.ReadAsync(same);
            Assert.Equal(generic["code"]!.GetValue<string>(), body["code"]!.GetValue<string>());
            Assert.Equal(generic["detail"]!.GetValue<string>(), body["detail"]!.GetValue<string>());
        }
        var stopped = await anonymous.PostAsync(hook, Json.Body("{}"));
        Assert.Equal(HttpStatusCode.NotFound, stopped.StatusCode);
        var problem = await Json.ReadAsync(stopped);
        Assert.Equal("flow_stopped", problem["code"]!.GetValue<string>());
        Assert.Equal("the flow is stopped; start it", problem["detail"]!.GetValue<string>());
        Assert.NotEqual(generic["detail"]!.GetValue<string>(), problem["detail"]!.GetValue<string>());
    }

    [ProviderFact]
    public async Task Webhook_MalformedJson_400AndNothingRuns()
    {
        var owner = await factory.CreateUserAsync("webhook-400");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client);
        var problem = await RunFlows.SendAsync(factory.CreateClient(), hook, "{not json", HttpStatusCode.BadRequest, "");
        Assert.Equal("malformed_json", problem["code"]!.GetValue<string>());
        var page = await owner.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/runs");
        Assert.Empty(page!["items"]!.AsArray());
    }

    [ProviderFact]
    public async Task Rotate_OldUrlStopsNewUrlWorks()
    {
        var owner = await factory.CreateUserAsync("webhook-rotate");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client);
        var rotated = await Json.PostAsync(owner.Client, $"/api/flows/{flowId}/triggers/hook/rotate", new { }, 200);
        var fresh = new Uri(rotated["url"]!.GetValue<string>()).PathAndQuery;
        Assert.NotEqual(hook, fresh);
        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync(hook, Json.Body("{}"))).StatusCode);
        await RunFlows.SendAsync(anonymous, fresh, """{"name":"ada"}""", HttpStatusCode.OK);
    }

    [ProviderFact]
    public async Task Triggers_ScheduleListsNextFireTimesInItsZone()
    {
        var owner = await factory.CreateUserAsync("triggers-list");
        var (flowId, _) = await RunFlows.DeployAsync(owner.Client);
        var triggers = await owner.Client.GetFromJsonAsync<JsonArray>($"/api/flows/{flowId}/triggers");
        var nightly = triggers!.Single(t => t!["name"]!.GetValue<string>() == "nightly")!;
        var times = nightly["nextFireTimes"]!.AsArray().Select(t => DateTimeOffset.Parse(t!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(5, times.Count);
        // 03:00 in Paris is 01:00 or 02:00 UTC depending on daylight saving.
        Assert.All(times, t => Assert.Contains(t.UtcDateTime.Hour, new[] { 1, 2 }));
    }

    [ProviderFact]
    public async Task Inject_StoppedFlow_StartsItAndRuns()
    {
        var owner = await factory.CreateUserAsync("inject");
        var (flowId, _) = await RunFlows.DeployAsync(owner.Client, start: false);
        var run = await Json.PostAsync(owner.Client, $"/api/triggers/{flowId}/inject?wait=10",
            new { payload = new { name = "ada" }, target = "route", payloadClass = "Greeting" }, 200);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal("manual", run["trigger"]!.GetValue<string>());
        var status = await owner.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/status");
        Assert.Equal("running", status!["status"]!.GetValue<string>());
        var xml = await Json.PostAsync(owner.Client, $"/api/triggers/{flowId}/inject?wait=10",
            new { payload = "<Greeting><name>vip</name></Greeting>", target = "route" }, 200);
        Assert.Equal("vip", xml["outputs"]![0]!["listener"]!.GetValue<string>());
    }

    [ProviderFact]
    public async Task Replay_RunAndStep_RunAgainWithRecordedInput()
    {
        var owner = await factory.CreateUserAsync("replay");
        var (_, hook) = await RunFlows.DeployAsync(owner.Client);
        var first = await RunFlows.SendAsync(factory.CreateClient(), hook, """{"name":"vip"}""", HttpStatusCode.OK);
        var runId = first["runId"]!.GetValue<string>();

        var again = await Json.PostAsync(owner.Client, $"/api/runs/{runId}/replay?wait=10", new { }, 200);
        Assert.NotEqual(runId, again["runId"]!.GetValue<string>());
        Assert.Equal($"replay:{runId}", again["trigger"]!.GetValue<string>());
        Assert.Equal("vip", again["outputs"]![0]!["listener"]!.GetValue<string>());

        var vipStep = first["steps"]!.AsArray().Single(s => s!["listener"]!.GetValue<string>() == "vip")!;
        var n = vipStep["index"]!.GetValue<int>();
        var step = await Json.PostAsync(owner.Client, $"/api/runs/{runId}/steps/{n}/replay?wait=10", new { }, 200);
        Assert.Equal("succeeded", step["status"]!.GetValue<string>());
        Assert.DoesNotContain(step["steps"]!.AsArray(), s => s!["listener"]!.GetValue<string>() == "route");
        Assert.Equal("vip", step["outputs"]![0]!["listener"]!.GetValue<string>());
    }

    [ProviderFact]
    public async Task ReplayStep_WithPayload_RunsThatListenerAloneWithTheEditedInput()
    {
        var owner = await factory.CreateUserAsync("replay-edit");
        var (_, hook) = await RunFlows.DeployAsync(owner.Client);
        var first = await RunFlows.SendAsync(factory.CreateClient(), hook, """{"name":"ada"}""", HttpStatusCode.OK);
        var runId = first["runId"]!.GetValue<string>();
        var route = first["steps"]!.AsArray().Single(s => s!["listener"]!.GetValue<string>() == "route")!["index"]!.GetValue<int>();

        // JSON object: the branch now sends it to vip instead of done.
        var json = await Json.PostAsync(owner.Client, $"/api/runs/{runId}/steps/{route}/replay?wait=10", new { payload = new { name = "vip" } }, 200);
        Assert.Equal("vip", json["outputs"]![0]!["listener"]!.GetValue<string>());
        Assert.Equal($"replay:{runId}:step:{route}", json["trigger"]!.GetValue<string>());
        // XML string, likewise.
        var xml = await Json.PostAsync(owner.Client, $"/api/runs/{runId}/steps/{route}/replay?wait=10", new { payload = "<Greeting><name>vip</name></Greeting>" }, 200);
        Assert.Equal("vip", xml["outputs"]![0]!["listener"]!.GetValue<string>());
        // A payload that does not fit the listener's class is refused like an inject: 422, nothing runs.
        var bad = await owner.Client.PostAsync($"/api/runs/{runId}/steps/{route}/replay", Json.Body("""{"payload":{"nope":1}}"""));
        Assert.Equal((HttpStatusCode)422, bad.StatusCode);
        // No body at all replays the recorded input.
        var recorded = await owner.Client.PostAsync($"/api/runs/{runId}/steps/{route}/replay?wait=10", null);
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        Assert.Equal("done", (await Json.ReadAsync(recorded))["outputs"]![0]!["listener"]!.GetValue<string>());
    }

    [ProviderFact]
    public async Task OtherTenant_RunsAndFlowRuntimeAreNotFound()
    {
        var owner = await factory.CreateUserAsync("iso-a");
        var other = await factory.CreateUserAsync("iso-b");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client);
        var run = await RunFlows.SendAsync(factory.CreateClient(), hook, """{"name":"ada"}""", HttpStatusCode.OK);
        var runId = run["runId"]!.GetValue<string>();
        foreach (var url in new[] { $"/api/runs/{runId}", $"/api/flows/{flowId}/runs", $"/api/flows/{flowId}/status", $"/api/flows/{flowId}/triggers", $"/api/flows/{flowId}/logs" })
            Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync(url)).StatusCode);
        foreach (var url in new[] { $"/api/runs/{runId}/replay", $"/api/flows/{flowId}/stop", $"/api/triggers/{flowId}/inject" })
            Assert.Equal(HttpStatusCode.NotFound, (await other.Client.PostAsync(url, Json.Body("""{"payload":{}}"""))).StatusCode);
    }

    [ProviderFact]
    public async Task Metrics_AfterRuns_ExposesSeedMetrics()
    {
        var owner = await factory.CreateUserAsync("metrics");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client);
        await RunFlows.SendAsync(factory.CreateClient(), hook, """{"name":"ada"}""", HttpStatusCode.OK);
        var response = await factory.CreateClient().GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        Assert.Matches($"nextra_executions_total\\{{flow_id=\"{flowId}\",status=\"succeeded\"\\}} [1-9]", text);
        Assert.Matches("nextra_flows_total\\{status=\"running\"\\} [1-9]", text);
        Assert.Contains("nextra_process_memory_bytes{kind=\"working_set\"}", text);
        Assert.Contains($"nextra_pump_memory_bytes{{flow_id=\"{flowId}\"}}", text);
        Assert.Matches($"nextra_pump_messages_total\\{{flow_id=\"{flowId}\"\\}} [1-9]", text);
        Assert.Matches("nextra_api_requests_total\\{route=\"/api/triggers/\\{flowId\\}/webhook/\\{token\\}\",method=\"POST\",status=\"200\"\\} [1-9]", text);
        Assert.DoesNotContain(hook, text, StringComparison.Ordinal);
        Assert.Contains($"nextra_step_duration_seconds_bucket{{flow_id=\"{flowId}\",le=\"+Inf\"}}", text);
        Assert.Contains("nextra_queue_depth{queue=\"pump\"}", text);
    }

    [ProviderFact]
    public async Task Logs_RecentLines_IncludeLifecycle()
    {
        var owner = await factory.CreateUserAsync("logs");
        var (flowId, _) = await RunFlows.DeployAsync(owner.Client);
        // Log lines are written in batches off the supervisor's path: wait for the line, do not race it.
        JsonArray? lines = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            lines = await owner.Client.GetFromJsonAsync<JsonArray>($"/api/flows/{flowId}/logs");
            if (lines!.Any(l => l!["message"]!.GetValue<string>() == "flow running")) break;
        }
        Assert.Contains(lines!, l => l!["message"]!.GetValue<string>() == "flow running");
    }
}

/// <summary>The same webhook, inject, replay, history and log tests with every store on Postgres (hosted mode, one instance).</summary>
public sealed class PostgresRunsApiTests(PostgresNextraFactory factory) : RunsApiTests(factory), IClassFixture<PostgresNextraFactory>;
