using System.Net;
using System.Net.Http.Json;
using System.Text;
using Nextra.Modules.Common;

namespace Nextra.Host.Tests.Api;

/// <summary>401 without credentials on every /api route; 403 for a viewer on every writing route.</summary>
public sealed class AuthorizationMatrixTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private static bool IsAnonymous(ApiRoutes.Route r) =>
        r.Pattern is "/api/setup" or "/api/auth/login" or "/api/auth/sso" || r.Pattern.Contains("/webhook/", StringComparison.Ordinal);

    /// <summary>Account self-service and read-only checks any signed-in role may do.</summary>
    private static bool IsSelfService(ApiRoutes.Route r) =>
        r.Pattern is "/api/auth/logout" or "/api/auth/password" or "/api/flows/validate"
        || r.Pattern.StartsWith("/api/apikeys", StringComparison.Ordinal)
        || r.Pattern.StartsWith("/api/{", StringComparison.Ordinal); // the unknown-route fallback

    [Fact]
    public async Task EveryApiRoute_NoCredentials_Is401()
    {
        var routes = ApiRoutes.All(factory.Services).Where(r => !IsAnonymous(r)).ToList();
        Assert.Contains(routes, r => r.Pattern == "/api/flows/{id}");
        var client = factory.CreateClient();
        var failures = new List<string>();

        foreach (var route in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Url) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Unauthorized || !body.Contains("\"code\":\"unauthorized\"", StringComparison.Ordinal))
            {
                failures.Add($"{route.Method} {route.Url} -> {(int)response.StatusCode} {body}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task EveryApiRoute_InvalidApiKey_Is401()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "nxk_not-a-real-key-at-all-000000000000000");

        using var response = await client.GetAsync("/api/flows");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task EveryWritingRoute_Viewer_Is403()
    {
        var viewer = await factory.CreateUserAsync("viewers", Role.Viewer);
        var routes = ApiRoutes.All(factory.Services)
            .Where(r => r.Method is not ("GET" or "HEAD") && !IsAnonymous(r) && !IsSelfService(r))
            .ToList();
        Assert.Contains(routes, r => r.Pattern == "/api/flows" && r.Method == "POST");
        var failures = new List<string>();

        foreach (var route in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Url) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            using var response = await viewer.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Forbidden || !body.Contains("\"code\":\"forbidden\"", StringComparison.Ordinal))
            {
                failures.Add($"{route.Method} {route.Url} -> {(int)response.StatusCode} {body}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Viewer_ReadsFlowsOfTenant_Allowed()
    {
        var tenant = "read-" + Guid.NewGuid().ToString("N");
        var editor = await factory.CreateUserAsync(tenant, Role.Editor);
        var viewer = await factory.CreateUserAsync(tenant, Role.Viewer);
        var id = (await Json.PostAsync(editor.Client, "/api/flows", Flows.Create(), 201))["id"]!.GetValue<string>();

        var flow = await viewer.Client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/flows/{id}");

        Assert.Equal(id, flow!["id"]!.GetValue<string>());
        var update = await viewer.Client.PutAsJsonAsync($"/api/flows/{id}", Flows.Create("Nope"));
        Assert.Equal(HttpStatusCode.Forbidden, update.StatusCode);
    }
}
