using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Api;

/// <summary>Error shape, body limits, health and OpenAPI.</summary>
public sealed class HostBehaviourTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    [Fact]
    public async Task MalformedJson_Is400NamingTheProblem()
    {
        var user = await factory.CreateUserAsync("malformed");

        using var response = await user.Client.PostAsync("/api/flows", new StringContent("{\"name\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Json.ReadAsync(response);
        Assert.Equal("malformed_json", problem["code"]!.GetValue<string>());
        Assert.Contains("LineNumber", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyOverLimit_Is413()
    {
        var user = await factory.CreateUserAsync("big");
        var huge = Json.Serialize(Flows.Create("Big", "name: big\nx: '" + new string('a', (int)NextraFactory.MaxBodyBytes) + "'\n"));

        using var response = await user.Client.PostAsync("/api/flows", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", (await Json.ReadAsync(response))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownApiRoute_Authenticated_Is404Problem()
    {
        var user = await factory.CreateUserAsync("unknown-route");

        using var response = await user.Client.GetAsync("/api/definitely/not/here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await Json.ReadAsync(response))["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/health/live", "live")]
    [InlineData("/health/ready", "ready")]
    public async Task Health_Anonymous_Is200(string url, string status)
    {
        var json = await factory.CreateClient().GetFromJsonAsync<JsonObject>(url);

        Assert.Equal(status, json!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApi_DocumentsFlowsAndAuth()
    {
        var client = factory.CreateClient();

        var doc = await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var page = await client.GetAsync("/openapi/");

        var paths = doc!["paths"]!.AsObject();
        foreach (var path in new[] { "/api/flows", "/api/flows/{id}", "/api/flows/{id}/versions/{n}/restore", "/api/auth/login", "/api/apikeys" })
        {
            Assert.True(paths.ContainsKey(path), path);
        }
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Responses_CarrySecurityHeaders()
    {
        using var response = await factory.CreateClient().GetAsync("/health/live");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
