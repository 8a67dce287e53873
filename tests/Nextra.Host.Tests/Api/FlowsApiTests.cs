using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Api;

/// <summary>Every Flows endpoint of docs/api.md, table-driven: request, expected status, expected JSON.</summary>
public sealed class FlowsApiTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    /// <summary>A scenario runs against a fresh flow (<c>{id}</c>); <c>Edited</c> first changes its YAML once (version 2).</summary>
    public sealed record Scenario(string Method, string Url, Func<HttpContent?> Body, HttpStatusCode Status, Action<string, JsonNode?> Check, bool Edited = false);

    private static HttpContent JsonBody(object body) => new StringContent(Json.Serialize(body), Encoding.UTF8, "application/json");

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["list includes the flow with lastRun"] = new("GET", "/api/flows", () => null, HttpStatusCode.OK, (id, json) =>
        {
            var item = json!.AsArray().Single(f => f!["id"]!.GetValue<string>() == id)!;
            Assert.Equal("Hello flow", item["name"]!.GetValue<string>());
            Assert.True(item.AsObject().ContainsKey("lastRun"));
            Assert.Null(item["lastRun"]);
        }),
        ["create answers 201 with the flow"] = new("POST", "/api/flows", () => JsonBody(Flows.Create("Second")), HttpStatusCode.Created, (_, json) =>
        {
            Assert.Equal("Second", json!["name"]!.GetValue<string>());
            Assert.Equal(1, json["version"]!.GetValue<long>());
            Assert.Equal("stopped", json["status"]!.GetValue<string>());
            Assert.Equal(10, json["canvasState"]!["nodes"]![0]!["x"]!.GetValue<int>());
            Assert.Equal(Flows.ValidYaml, json["organismYaml"]!.GetValue<string>());
        }),
        ["create with broken YAML is 422 with line and column"] = new("POST", "/api/flows", () => JsonBody(Flows.Create("Broken", Flows.BrokenYaml)),
            (HttpStatusCode)422, (_, json) =>
        {
            Assert.Equal("validation_failed", json!["code"]!.GetValue<string>());
            var error = json["errors"]![0]!;
            Assert.Equal(3, error["line"]!.GetValue<int>());
            Assert.True(error["column"]!.GetValue<int>() > 0);
            Assert.Equal("yaml_syntax", error["code"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        }),
        ["create without a name is 422"] = new("POST", "/api/flows", () => JsonBody(new { organismYaml = "listeners: []\n" }), (HttpStatusCode)422,
            (_, json) => Assert.Equal("validation_failed", json!["code"]!.GetValue<string>())),
        ["get one"] = new("GET", "/api/flows/{id}", () => null, HttpStatusCode.OK, (id, json) =>
        {
            Assert.Equal(id, json!["id"]!.GetValue<string>());
            foreach (var key in new[] { "name", "description", "organismYaml", "canvasState", "status", "version", "createdAt", "updatedAt" })
            {
                Assert.True(json.AsObject().ContainsKey(key), key);
            }
        }),
        ["get unknown is 404"] = new("GET", "/api/flows/00000000-0000-0000-0000-000000000000", () => null, HttpStatusCode.NotFound,
            (_, json) => Assert.Equal("not_found", json!["code"]!.GetValue<string>())),
        ["put without YAML change keeps the version"] = new("PUT", "/api/flows/{id}", () => JsonBody(Flows.Create("Renamed")), HttpStatusCode.OK, (_, json) =>
        {
            Assert.Equal("Renamed", json!["name"]!.GetValue<string>());
            Assert.Equal(1, json["version"]!.GetValue<long>());
        }),
        ["put with YAML change records a version"] = new("PUT", "/api/flows/{id}", () => JsonBody(Flows.Create("Hello flow", Flows.OtherYaml)), HttpStatusCode.OK, (_, json) =>
        {
            Assert.Equal(2, json!["version"]!.GetValue<long>());
            Assert.Equal(Flows.OtherYaml, json["organismYaml"]!.GetValue<string>());
        }),
        ["put with broken YAML is 422"] = new("PUT", "/api/flows/{id}", () => JsonBody(Flows.Create("Hello flow", Flows.BrokenYaml)), (HttpStatusCode)422,
            (_, json) => Assert.Equal("yaml_syntax", json!["errors"]![0]!["code"]!.GetValue<string>())),
        ["delete answers 204"] = new("DELETE", "/api/flows/{id}", () => null, HttpStatusCode.NoContent, (_, _) => { }),
        ["validate valid has no problems"] = new("POST", "/api/flows/validate", () => JsonBody(new { organismYaml = Flows.ValidYaml }), HttpStatusCode.OK,
            (_, json) => Assert.Empty(json!["problems"]!.AsArray())),
        ["validate warns about a code block with several peers and no _to, with its line"] = new("POST", "/api/flows/validate",
            () => JsonBody(new { organismYaml = Flows.CodeTwoPeersYaml }), HttpStatusCode.OK, (_, json) =>
        {
            Assert.Empty(json!["problems"]!.AsArray());
            var w = Assert.Single(json["warnings"]!.AsArray())!;
            Assert.Equal("code_no_route", w["code"]!.GetValue<string>());
            Assert.Equal(5, w["line"]!.GetValue<int>());
        }),
        ["validate valid has no warnings"] = new("POST", "/api/flows/validate", () => JsonBody(new { organismYaml = Flows.ValidYaml }), HttpStatusCode.OK,
            (_, json) => Assert.Empty(json!["warnings"]!.AsArray())),
        ["validate broken lists problems"] = new("POST", "/api/flows/validate", () => JsonBody(new { organismYaml = Flows.BrokenYaml }), HttpStatusCode.OK,
            (_, json) => Assert.Equal(3, json!["problems"]![0]!["line"]!.GetValue<int>())),
        ["versions newest first"] = new("GET", "/api/flows/{id}/versions", () => null, HttpStatusCode.OK, (_, json) =>
        {
            Assert.Equal([2L, 1L], json!.AsArray().Select(v => v!["version"]!.GetValue<long>()));
            Assert.Contains("@example.test", json[0]!["createdBy"]!.GetValue<string>());
        }, Edited: true),
        ["version 1 holds the original YAML"] = new("GET", "/api/flows/{id}/versions/1", () => null, HttpStatusCode.OK, (_, json) =>
        {
            Assert.Equal(Flows.ValidYaml, json!["organismYaml"]!.GetValue<string>());
            Assert.Equal(1, json["version"]!.GetValue<long>());
        }, Edited: true),
        ["unknown version is 404"] = new("GET", "/api/flows/{id}/versions/99", () => null, HttpStatusCode.NotFound, (_, _) => { }),
        ["restore makes a new version"] = new("POST", "/api/flows/{id}/versions/1/restore", () => null, HttpStatusCode.OK, (_, json) =>
        {
            Assert.Equal(3, json!["version"]!.GetValue<long>());
            Assert.Equal(Flows.ValidYaml, json["organismYaml"]!.GetValue<string>());
        }, Edited: true),
        ["import YAML file"] = new("POST", "/api/flows/import", () => new StringContent(Flows.ValidYaml, Encoding.UTF8, "text/yaml"), HttpStatusCode.Created, (_, json) =>
        {
            Assert.Equal("hello", json!["name"]!.GetValue<string>());
            Assert.Equal("says hello", json["description"]!.GetValue<string>());
        }),
        ["import JSON"] = new("POST", "/api/flows/import", () => JsonBody(new { name = "From JSON", organismYaml = Flows.ValidYaml }), HttpStatusCode.Created,
            (_, json) => Assert.Equal("From JSON", json!["name"]!.GetValue<string>())),
        ["import broken YAML is 422"] = new("POST", "/api/flows/import", () => new StringContent(Flows.BrokenYaml, Encoding.UTF8, "text/yaml"), (HttpStatusCode)422,
            (_, json) => Assert.Equal("validation_failed", json!["code"]!.GetValue<string>())),
        ["import other media type is 415"] = new("POST", "/api/flows/import", () => new ByteArrayContent([1, 2, 3]), HttpStatusCode.UnsupportedMediaType,
            (_, json) => Assert.Equal("unsupported_media_type", json!["code"]!.GetValue<string>())),
    };

    public static TheoryData<string> ScenarioNames => new(Scenarios.Keys);

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Flows_Scenario_AnswersAsSpecified(string name)
    {
        var scenario = Scenarios[name];
        var user = await factory.CreateUserAsync("flows-" + Guid.NewGuid().ToString("N"));
        var created = await Json.PostAsync(user.Client, "/api/flows", Flows.Create(), 201);
        var id = created["id"]!.GetValue<string>();
        if (scenario.Edited)
        {
            (await user.Client.PutAsJsonAsync($"/api/flows/{id}", Flows.Create("Hello flow", Flows.OtherYaml))).EnsureSuccessStatusCode();
        }

        using var request = new HttpRequestMessage(new HttpMethod(scenario.Method), scenario.Url.Replace("{id}", id)) { Content = scenario.Body() };
        using var response = await user.Client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(scenario.Status == response.StatusCode, $"{name}: expected {(int)scenario.Status}, got {(int)response.StatusCode}: {text}");
        if ((int)response.StatusCode >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        scenario.Check(id, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task CreateFlow_InvalidYaml_StoresNothing()
    {
        var user = await factory.CreateUserAsync("nothing-stored");

        await Json.PostAsync(user.Client, "/api/flows", Flows.Create("Broken", Flows.BrokenYaml), 422);

        var list = await user.Client.GetFromJsonAsync<JsonArray>("/api/flows");
        Assert.Empty(list!);
    }

    [Fact]
    public async Task DeleteFlow_Then_GetIs404AndVersionsGone()
    {
        var user = await factory.CreateUserAsync("delete-" + Guid.NewGuid().ToString("N"));
        var id = (await Json.PostAsync(user.Client, "/api/flows", Flows.Create(), 201))["id"]!.GetValue<string>();

        (await user.Client.DeleteAsync($"/api/flows/{id}")).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync($"/api/flows/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync($"/api/flows/{id}/versions")).StatusCode);
    }

    [Fact]
    public async Task ExportFlow_ReturnsYamlFile()
    {
        var user = await factory.CreateUserAsync("export-" + Guid.NewGuid().ToString("N"));
        var id = (await Json.PostAsync(user.Client, "/api/flows", Flows.Create("My Flow!"), 201))["id"]!.GetValue<string>();

        using var response = await user.Client.GetAsync($"/api/flows/{id}/export");

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/yaml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("My-Flow.yaml", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(Flows.ValidYaml, await response.Content.ReadAsStringAsync());
    }
}
