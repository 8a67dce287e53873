using System.Net;
using System.Text.Json.Nodes;
using Nextra.Host.Tests.Api;

namespace Nextra.Host.Tests.Runs;

/// <summary>The first agent flow without a key (issue 16): provider: mock over HTTP, and a missing key said in one line.</summary>
public sealed class MockFlowApiTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    [Fact]
    public async Task MockBackend_AgentFlow_RunsOfflineWithoutASecret()
    {
        var owner = await factory.CreateUserAsync("mock-llm");
        var yaml = Flows.LlmSecretYaml.Replace("{provider: openai, api_key_secret: NOT_THERE_KEY}", """{provider: mock, responses: ["<Answer><Text>offline</Text></Answer>"]}""");
        var created = await Json.PostAsync(owner.Client, "/api/flows", Flows.Create("Mock agent", yaml), 201);
        var id = created["id"]!.GetValue<string>();
        var run = await Json.PostAsync(owner.Client, $"/api/triggers/{id}/inject?wait=20", new { payload = new { Text = "hi" }, target = "desk" }, 200);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal("offline", run["outputs"]![0]!["payload"]!["Text"]!.GetValue<string>());
        var validate = await Json.PostAsync(owner.Client, "/api/flows/validate", new { organismYaml = yaml }, 200);
        Assert.Empty(validate["warnings"]!.AsArray());
    }

    [Fact]
    public async Task MissingKeySecret_RunFailsWithOneLineSayingSo()
    {
        var owner = await factory.CreateUserAsync("missing-key");
        var created = await Json.PostAsync(owner.Client, "/api/flows", Flows.Create("Keyless agent", Flows.LlmSecretYaml), 201);
        var id = created["id"]!.GetValue<string>();
        var run = await Json.PostAsync(owner.Client, $"/api/triggers/{id}/inject?wait=20", new { payload = new { Text = "hi" }, target = "desk" }, 200);
        Assert.Equal("failed", run["status"]!.GetValue<string>());
        var step = run["steps"]!.AsArray().First(s => s!["listener"]!.GetValue<string>() == "desk")!;
        var message = step["error"]!["message"]!.GetValue<string>();
        Assert.Contains("secret 'NOT_THERE_KEY' is empty or missing", message);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(message, "NOT_THERE_KEY"));
    }
}
