using System.Net;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Runs;

/// <summary>
/// <c>?wait=…&amp;answer=output</c> on webhook and inject answers the run's output payload alone, as the peers do
/// (issue 17); without <c>answer</c> the answer stays the full run object.
/// </summary>
public class AnswerOutputTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    /// <summary>The benchmark's code-block flow (webhook → WAT block reading name → output), from bench/runs.</summary>
    private static string CodeGreeter => File.ReadAllText(Path.Combine(RepoRoot.Path, "bench", "runs", "greeter-code.yaml"));

    private const string TwoOutputs = """
        organism:
          name: two-outputs
        payloads:
          Greeting: {fields: {name: string}}
          Reply: {fields: {greeting: string}}
        triggers:
          - {name: hook, type: webhook, target: split, payload: Greeting}
        listeners:
          - name: split
            description: answers two greetings at once
            payload_class: Greeting
            handler: code
            peers: [left, right]
            config:
              output: Reply
              wat: |
                (module
                  (memory (export "memory") 1)
                  (data (i32.const 0) "[{\"greeting\":\"a\",\"_to\":\"left\"},{\"greeting\":\"b\",\"_to\":\"right\"}]")
                  (global $bump (mut i32) (i32.const 1024))
                  (func $alloc (export "alloc") (param $len i32) (result i32)
                    (local $p i32)
                    (local.set $p (global.get $bump))
                    (global.set $bump (i32.add (local.get $p) (local.get $len)))
                    (local.get $p))
                  (func (export "handle") (param $in i32) (param $len i32) (result i64)
                    (i64.const 62)))
          - {name: left, description: first, payload_class: Reply, handler: output}
          - {name: right, description: second, payload_class: Reply, handler: output}
        """;

    private const string Trapping = """
        organism:
          name: trapping
        payloads:
          Greeting: {fields: {name: string}}
        triggers:
          - {name: hook, type: webhook, target: boom, payload: Greeting}
        listeners:
          - name: boom
            description: traps
            payload_class: Greeting
            handler: code
            peers: [done]
            config:
              wat: |
                (module
                  (memory (export "memory") 1)
                  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
                  (func (export "handle") (param $in i32) (param $len i32) (result i64) unreachable))
          - {name: done, description: never reached, payload_class: Greeting, handler: output}
        """;

    private async Task<(TestUser Owner, string FlowId, string Hook)> DeployAsync(string yaml)
    {
        var owner = await factory.CreateUserAsync("answer-" + Guid.NewGuid().ToString("N"));
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client, yaml);
        return (owner, flowId, hook);
    }

    private static async Task<(HttpResponseMessage Response, string Text)> PostAsync(HttpClient client, string url, string body)
    {
        var response = await client.PostAsync(url, Json.Body(body));
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Webhook_AnswerOutput_ReturnsTheGreetingAlone_DefaultStaysTheRun()
    {
        var (owner, _, hook) = await DeployAsync(CodeGreeter);

        var (response, text) = await PostAsync(owner.Client, hook + "?wait=10&answer=output", """{"name":"ada"}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"greeting":"hello ada"}"""), JsonNode.Parse(text)), text);

        // The default shape is unchanged: the run object with its outputs and steps.
        var run = await RunFlows.SendAsync(owner.Client, hook, """{"name":"bob"}""", HttpStatusCode.OK);
        Assert.Equal("succeeded", (string?)run["status"]);
        Assert.False(string.IsNullOrEmpty((string?)run["runId"]));
        Assert.Equal("hello bob", (string?)run["outputs"]![0]!["payload"]!["greeting"]);
        Assert.Equal(2, run["steps"]!.AsArray().Count);

        // answer=run is the default spelled out.
        var spelled = await RunFlows.SendAsync(owner.Client, hook, """{"name":"cy"}""", HttpStatusCode.OK, "?wait=10&answer=run");
        Assert.Equal("hello cy", (string?)spelled["outputs"]![0]!["payload"]!["greeting"]);
    }

    [Fact]
    public async Task Inject_AnswerOutput_ReturnsThePayload()
    {
        var (owner, flowId, _) = await DeployAsync(CodeGreeter);
        var (response, text) = await PostAsync(owner.Client, $"/api/triggers/{flowId}/inject?wait=10&answer=output", """{"payload":{"name":"dee"}}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"got {(int)response.StatusCode}: {text}");
        Assert.Equal("hello dee", (string?)JsonNode.Parse(text)!["greeting"]);
    }

    [Fact]
    public async Task AnswerOutput_SeveralOutputs_AnArrayInOrder()
    {
        var (owner, _, hook) = await DeployAsync(TwoOutputs);
        var (response, text) = await PostAsync(owner.Client, hook + "?wait=10&answer=output", """{"name":"x"}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"got {(int)response.StatusCode}: {text}");
        var greetings = JsonNode.Parse(text)!.AsArray().Select(o => (string)o!["greeting"]!).Order().ToArray();
        Assert.Equal(["a", "b"], greetings);
    }

    [Fact]
    public async Task AnswerOutput_FailedRun_ProblemWithTheRunId()
    {
        var (owner, _, hook) = await DeployAsync(Trapping);
        var (response, text) = await PostAsync(owner.Client, hook + "?wait=10&answer=output", """{"name":"x"}""");
        Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal("run_failed", (string?)problem["code"]);
        var runId = (string?)problem["runId"];
        Assert.False(string.IsNullOrEmpty(runId));
        Assert.Equal("failed", (string?)problem["runStatus"]);
        // The run it names is the one recorded.
        var run = await Json.ReadAsync(await owner.Client.GetAsync($"/api/runs/{runId}"));
        Assert.Equal("failed", (string?)run["status"]);
    }

    [Fact]
    public async Task AnswerUnknown_400AndNothingAccepted()
    {
        var (owner, flowId, hook) = await DeployAsync(CodeGreeter);
        var (response, text) = await PostAsync(owner.Client, hook + "?wait=10&answer=everything", """{"name":"x"}""");
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"got {(int)response.StatusCode}: {text}");
        Assert.Contains("answer", (string?)JsonNode.Parse(text)!["detail"]);
        var page = await Json.ReadAsync(await owner.Client.GetAsync($"/api/flows/{flowId}/runs"));
        Assert.Empty(page["items"]!.AsArray());
    }
}
