using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Runs;

/// <summary>
/// A webhook or inject body the flow would fail is refused 422 before it is acknowledged: nothing in the
/// inbox or the run history, nothing counted toward the month's executions (issue 19, defect 1; issue 10).
/// </summary>
public class PayloadIntakeTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Ticketing = """
        organism:
          name: ticketing
        payloads:
          Ticket: {fields: {Subject: string, Body: string, Priority: {type: int, optional: true}, Raw: {type: xml, optional: true}}}
        triggers:
          - {name: hook, type: webhook, target: done, payload: Ticket}
        listeners:
          - {name: done, description: records the ticket, payload_class: Ticket, handler: output}
        """;

    private static string Nested(int depth) =>
        "<Ticket><Subject>" + string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth)) + "</Subject><Body>x</Body></Ticket>";

    private static StringContent Xml(string xml) => new(xml, Encoding.UTF8, "application/xml");

    private async Task<(TestUser Owner, string FlowId, string Hook)> DeployAsync(string tenant)
    {
        var owner = await factory.CreateUserAsync(tenant + "-" + Guid.NewGuid().ToString("N"));
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client, Ticketing);
        return (owner, flowId, hook);
    }

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"expected 422, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(code, (string?)problem["code"]);
        Assert.Equal("payload", (string?)problem["errors"]![0]!["field"]);
        return problem;
    }

    private static async Task AssertNothingAcceptedAsync(TestUser owner, string flowId)
    {
        var page = await owner.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/runs");
        Assert.Empty(page!["items"]!.AsArray());
        var usage = await owner.Client.GetFromJsonAsync<JsonObject>("/api/usage");
        Assert.Equal(0, (long)usage!["runsThisMonth"]!);
    }

    [Fact]
    public async Task Webhook_XmlNestedPastTheLimit_422PayloadTooDeepAndNothingAccepted()
    {
        var (owner, flowId, hook) = await DeployAsync("deep-webhook");

        var response = await factory.CreateClient().PostAsync(hook, Xml(Nested(5_000)));

        var problem = await ProblemAsync(response, "payload_too_deep");
        Assert.Contains("deeper than 64", (string?)problem["detail"]);
        await AssertNothingAcceptedAsync(owner, flowId);
    }

    [Fact]
    public async Task Webhook_XmlInAJsonXmlFieldPastTheLimit_422PayloadTooDeep()
    {
        var (owner, flowId, hook) = await DeployAsync("deep-json");
        var body = new JsonObject { ["Subject"] = "s", ["Body"] = "b", ["Raw"] = string.Concat(Enumerable.Repeat("<a>", 100)) + string.Concat(Enumerable.Repeat("</a>", 100)) };

        var response = await factory.CreateClient().PostAsync(hook, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        await ProblemAsync(response, "payload_too_deep");
        await AssertNothingAcceptedAsync(owner, flowId);
    }

    [Theory]
    [InlineData("application/xml", "<Ticket><Subject><a/></Subject><Body>x</Body></Ticket>", "must hold a string")]
    [InlineData("application/xml", "<Ticket><Subject>s</Subject></Ticket>", "missing <Body>")]
    [InlineData("application/xml", "<Other><Subject>s</Subject></Other>", "Other")]
    [InlineData("application/json", """{"Subject":"s"}""", "missing 'Body'")]
    [InlineData("application/json", """{"Subject":"s","Body":"b","Priority":"high"}""", "whole number")]
    [InlineData("application/json", """{"Subject":"s","Body":"b","Color":"red"}""", "'Color' is not a field")]
    public async Task Webhook_BodyNotFittingTheClass_422ValidationFailedAndNothingAccepted(string contentType, string body, string named)
    {
        var (owner, flowId, hook) = await DeployAsync("invalid-webhook");

        var response = await factory.CreateClient().PostAsync(hook, new StringContent(body, Encoding.UTF8, contentType));

        var problem = await ProblemAsync(response, "validation_failed");
        Assert.Equal("payload_invalid", (string?)problem["errors"]![0]!["code"]);
        Assert.Contains(named, (string?)problem["detail"]);
        await AssertNothingAcceptedAsync(owner, flowId);
    }

    [Fact]
    public async Task Webhook_JsonWithAnUnpairedSurrogate_400MalformedJsonNot500()
    {
        // Found by the fuzz test: well-formed JSON whose string cannot be read back as UTF-16.
        var (owner, flowId, hook) = await DeployAsync("surrogate");

        var response = await factory.CreateClient().PostAsync(hook, new StringContent("""{"Subject":"\ud800","Body":"b"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed_json", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]);
        await AssertNothingAcceptedAsync(owner, flowId);
    }

    [Fact]
    public async Task Webhook_ValidXmlAtTheLimit_StillRuns()
    {
        var (_, _, hook) = await DeployAsync("ok-webhook");
        // Ticket → Raw → 62 nested elements: 64 levels in all.
        var raw = string.Concat(Enumerable.Repeat("<a>", 62)) + string.Concat(Enumerable.Repeat("</a>", 62));

        var response = await factory.CreateClient().PostAsync(hook + "?wait=10", Xml($"<Ticket><Subject>s</Subject><Body>b</Body><Raw>{raw}</Raw></Ticket>"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("succeeded", (string?)JsonNode.Parse(text)!["status"]);
    }

    [Fact]
    public async Task Inject_TooDeepOrInvalid_422BeforeWakingOrCounting()
    {
        var (owner, flowId, _) = await DeployAsync("invalid-inject");
        await Json.PostAsync(owner.Client, $"/api/flows/{flowId}/stop", new { }, 200);

        var deep = await owner.Client.PostAsJsonAsync($"/api/triggers/{flowId}/inject", new { payload = Nested(1_000) });
        await ProblemAsync(deep, "payload_too_deep");
        var invalid = await owner.Client.PostAsJsonAsync($"/api/triggers/{flowId}/inject", new { payload = new { Subject = "only" } });
        await ProblemAsync(invalid, "validation_failed");

        var status = await owner.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/status");
        Assert.Equal("stopped", (string?)status!["status"]);
        await AssertNothingAcceptedAsync(owner, flowId);
    }
}
