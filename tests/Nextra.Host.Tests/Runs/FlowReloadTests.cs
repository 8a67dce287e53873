using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Runs;

/// <summary>Saving a running flow hot-reloads it and answers with the pump's reload report.</summary>
public sealed class FlowReloadTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    [Fact]
    public async Task Put_RunningFlowWithNewListener_ReturnsReloadReportAndServesIt()
    {
        var owner = await factory.CreateUserAsync("reload-put");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client);
        var yaml = TestFlows.Greeter
            .Replace("- {if: \"name = 'vip'\", to: vip}", "- {if: \"name = 'vip'\", to: vip}\n        - {if: \"name = 'new'\", to: fresh}")
            .Replace("  - {name: vip,", "  - {name: fresh, description: the new answer, payload_class: Greeting, handler: output}\n  - {name: vip,");

        var response = await owner.Client.PutAsJsonAsync($"/api/flows/{flowId}", new { organismYaml = yaml });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        Assert.True(body["reload"]!["ok"]!.GetValue<bool>());
        Assert.Equal(["fresh"], body["reload"]!["added"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains("route", body["reload"]!["updated"]!.AsArray().Select(n => n!.GetValue<string>()));
        var run = await RunFlows.SendAsync(owner.Client, hook, """{"name":"new"}""", System.Net.HttpStatusCode.OK);
        Assert.Equal("fresh", run["outputs"]![0]!["listener"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_StoppedFlow_HasNoReloadReport()
    {
        var owner = await factory.CreateUserAsync("reload-stopped");
        var (flowId, _) = await RunFlows.DeployAsync(owner.Client, start: false);

        var response = await owner.Client.PutAsJsonAsync($"/api/flows/{flowId}", new { description = "still stopped" });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        Assert.Null(body["reload"]);
    }
}
