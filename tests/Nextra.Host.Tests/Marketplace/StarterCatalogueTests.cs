using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nextra.Host.Tests.Api;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>The starter catalogue a fresh install shows: ten templates and four tools under nextra/, signed, usable and runnable.</summary>
public sealed class StarterCatalogueTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private static string ToolFlow(string tool, string input, string output) => """
        organism: {name: starter-tool}
        payloads:
          In: {fields: {INPUT}}
          Out: {fields: {OUTPUT}}
        listeners:
          - name: tool
            description: runs a starter tool
            payload_class: In
            handler: code
            config: {module: "nextra/TOOL@1", output: Out}
        """.Replace("INPUT", input, StringComparison.Ordinal).Replace("OUTPUT", output, StringComparison.Ordinal).Replace("TOOL", tool, StringComparison.Ordinal);

    private static async Task<JsonNode> RunAsync(TestUser user, string yaml, object payload, string target = "tool", string payloadClass = "In")
    {
        var flow = await Json.PostAsync(user.Client, "/api/flows", Flows.Create("starter " + Guid.NewGuid().ToString("N")[..6], yaml), 201);
        var run = await Json.PostAsync(user.Client, $"/api/triggers/{flow["id"]}/inject?wait=30", new { payload, target, payloadClass }, 200);
        Assert.True(run["status"]!.GetValue<string>() == "succeeded", run.ToJsonString());
        return run["outputs"]![0]!;
    }

    [Fact]
    public async Task FreshInstall_ListsTenTemplatesAndFourTools_AllSignedByTheRegistry()
    {
        var user = await factory.CreateUserAsync("starter-list");
        var flows = (await user.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/flows"))!["items"]!.AsArray();
        var tools = (await user.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/tools"))!["items"]!.AsArray();
        Assert.True(flows.Count(i => i!["publisher"]!.GetValue<string>() == "nextra") >= 10);
        Assert.Equal(["nextra/extract-emails", "nextra/hmac-sha256", "nextra/json-path-pick", "nextra/text-template"],
            tools.Select(t => t!["id"]!.GetValue<string>()).Where(i => i.StartsWith("nextra/", StringComparison.Ordinal)).Order());
        foreach (var item in flows.Concat(tools).Where(i => i!["publisher"]!.GetValue<string>() == "nextra"))
        {
            Assert.Equal("official", item!["reviewLevel"]!.GetValue<string>());
            var kind = item["kind"]!.GetValue<string>() == "tool" ? "tools" : "flows";
            var detail = await user.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/{kind}/{item["id"]}");
            Assert.True(detail!["signatureValid"]!.GetValue<bool>(), item["id"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task EveryStarterTemplate_UseCreatesAValidStoppedFlow()
    {
        var user = await factory.CreateUserAsync("starter-use");
        await Json.PostAsync(user.Client, "/api/marketplace/installs", new { id = "nextra/extract-emails", acceptPermissions = true }, 201);
        var flows = (await user.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/flows"))!["items"]!.AsArray()
            .Select(i => i!["id"]!.GetValue<string>()).Where(i => i.StartsWith("nextra/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(10, flows.Length);
        foreach (var id in flows)
        {
            var detail = await user.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/flows/{id}");
            var inputs = new Dictionary<string, string>();
            foreach (var input in detail!["inputs"]!.AsArray())
            {
                if (input!["default"] is null)
                    inputs[input["id"]!.GetValue<string>()] = "https://hooks.example.com/x";
            }
            var response = await user.Client.PostAsync($"/api/marketplace/flows/{id}/use", Json.Body(Json.Serialize(new { inputs })));
            var body = await Json.ReadAsync(response);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{id}: {body.ToJsonString()}");
            Assert.Equal("stopped", body["status"]!.GetValue<string>());
            Assert.DoesNotContain("${{", body["organismYaml"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ContentModerationTemplate_RunsAndHoldsBlockedWords()
    {
        var user = await factory.CreateUserAsync("starter-moderation");
        var flow = await Json.PostAsync(user.Client, "/api/marketplace/flows/nextra/content-moderation/use", new { inputs = new { blocked_word = "casino" } }, 201);
        var held = await Json.PostAsync(user.Client, $"/api/triggers/{flow["id"]}/inject?wait=30",
            new { payload = new { author = "a", text = "Visit my CASINO now" }, target = "screen", payloadClass = "Post" }, 200);
        Assert.Equal("review", held["outputs"]![0]!["listener"]!.GetValue<string>());
        var passed = await Json.PostAsync(user.Client, $"/api/triggers/{flow["id"]}/inject?wait=30",
            new { payload = new { author = "a", text = "Nice weather" }, target = "screen", payloadClass = "Post" }, 200);
        Assert.Equal("publish", passed["outputs"]![0]!["listener"]!.GetValue<string>());
    }

    [Fact]
    public async Task StarterTools_InstalledAndRun_GiveTheirAnswers()
    {
        var user = await factory.CreateUserAsync("starter-tools");
        foreach (var tool in new[] { "json-path-pick", "text-template", "extract-emails", "hmac-sha256" })
            await Json.PostAsync(user.Client, "/api/marketplace/installs", new { id = $"nextra/{tool}", acceptPermissions = true }, 201);

        var pick = await RunAsync(user, ToolFlow("json-path-pick", "json: string, path: string", "value: string, found: bool"),
            new { json = """{"a":{"b":[1,{"c":"deep"}]}}""", path = "a.b.1.c" });
        Assert.Equal("deep", pick["payload"]!["value"]!.GetValue<string>());
        Assert.True(pick["payload"]!["found"]!.GetValue<bool>());

        var text = await RunAsync(user, ToolFlow("text-template", "template: string, values: string", "text: string"),
            new { template = "Hi {{name}}, you have {{n}} tickets", values = """{"name":"Ada","n":3}""" });
        Assert.Equal("Hi Ada, you have 3 tickets", text["payload"]!["text"]!.GetValue<string>());

        var emails = await RunAsync(user, ToolFlow("extract-emails", "text: string", "emails: string, count: int"),
            new { text = "Write to Ada@Example.com or bob.smith@corp.example.org. Again: ada@example.com" });
        Assert.Equal("ada@example.com,bob.smith@corp.example.org", emails["payload"]!["emails"]!.GetValue<string>());
        Assert.Equal(2, emails["payload"]!["count"]!.GetValue<int>());

        // RFC 2104 / Wikipedia test vector.
        var mac = await RunAsync(user, ToolFlow("hmac-sha256", "message: string, key: string, expected: string", "hex: string, valid: bool"),
            new { message = "The quick brown fox jumps over the lazy dog", key = "key", expected = "F7BC83F430538424B13298E6AA6FB143EF4D59A14946175997479DBC2D1A3CD8" });
        Assert.Equal("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", mac["payload"]!["hex"]!.GetValue<string>());
        Assert.True(mac["payload"]!["valid"]!.GetValue<bool>());
    }
}
