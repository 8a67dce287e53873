using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Common;

namespace Nextra.Host.Tests.Api;

/// <summary>
/// The route table (<see cref="RouteTable"/>) is the one place minimum roles are declared: every endpoint the host maps
/// has a rule and every rule an endpoint; then every role is sent to every route and must get 403 <c>forbidden</c>
/// naming the role needed exactly when it is below the route's minimum, and 401 without credentials.
/// </summary>
public sealed class AuthorizationMatrixTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private static readonly Role[] AllRoles = [Role.Viewer, Role.Editor, Role.Admin, Role.Owner];

    private IEnumerable<(string Method, string Pattern, RouteEndpoint Endpoint)> Endpoints()
    {
        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
            foreach (var method in methods) yield return (method, RouteTable.Normalize(endpoint.RoutePattern.RawText), endpoint);
        }
    }

    [Fact]
    public void EveryEndpoint_HasOneRule_AndEveryRuleAnEndpoint()
    {
        var endpoints = Endpoints().ToList();
        Assert.Contains(endpoints, e => e.Pattern == "/api/members/transfer-ownership");
        var undeclared = endpoints.Where(e => RouteTable.Find(e.Method, e.Pattern) is null).Select(e => $"{e.Method} {e.Pattern}").ToList();
        Assert.True(undeclared.Count == 0, "Declare these routes in Common/RouteTable.cs: " + string.Join("; ", undeclared));
        var stale = RouteTable.Rules.Where(r => !endpoints.Any(e => e.Pattern == r.Pattern && (r.Method == "*" || e.Method == r.Method)))
            .Select(r => $"{r.Method} {r.Pattern}").ToList();
        Assert.True(stale.Count == 0, "Rules without an endpoint: " + string.Join("; ", stale));
        Assert.Equal(RouteTable.Rules.Count, RouteTable.Rules.Select(r => r.Method + " " + r.Pattern).Distinct().Count());
    }

    [Fact]
    public async Task EveryProtectedApiRoute_NoCredentials_Is401()
    {
        var routes = ApiRoutes.All(factory.Services).Where(r => RouteTable.Find(r.Method, r.Pattern)?.Minimum is not null).ToList();
        Assert.Contains(routes, r => r.Pattern == "/api/flows/{id}");
        var client = factory.CreateClient();
        var failures = new List<string>();
        foreach (var route in routes)
        {
            using var response = await SendAsync(client, route);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Unauthorized || !body.Contains("\"code\":\"unauthorized\"", StringComparison.Ordinal))
            {
                failures.Add($"{route.Method} {route.Url} -> {(int)response.StatusCode} {body}");
            }
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task EveryApiRoute_EveryRole_ForbiddenExactlyBelowItsMinimum()
    {
        var tenant = "matrix-" + Guid.NewGuid().ToString("N");
        var users = new Dictionary<Role, TestUser>();
        users[Role.Owner] = await factory.CreateUserAsync(tenant, Role.Owner);
        foreach (var role in AllRoles.Where(r => r != Role.Owner)) users[role] = await factory.CreateUserAsync(tenant, role);
        var routes = ApiRoutes.All(factory.Services).Where(r => RouteTable.Find(r.Method, r.Pattern)?.Minimum is not null).ToList();
        Assert.Contains(routes, r => r.Pattern == "/api/secrets/{name}" && r.Method == "PUT");
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var minimum = RouteTable.Find(route.Method, route.Pattern)!.Minimum!.Value;
            foreach (var role in AllRoles)
            {
                using var response = await SendAsync(users[role].Client, route);
                var body = await response.Content.ReadAsStringAsync();
                var refused = response.StatusCode == HttpStatusCode.Forbidden && body.Contains("\"code\":\"forbidden\"", StringComparison.Ordinal)
                    && body.Contains("This needs the " + minimum.ToWire() + " role", StringComparison.Ordinal);
                if (role < minimum != refused || response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    failures.Add($"{role.ToWire()} {route.Method} {route.Url} (minimum {minimum.ToWire()}) -> {(int)response.StatusCode} {body}");
                }
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
        Assert.Contains("This needs the editor role", await update.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, ApiRoutes.Route route)
    {
        var method = route.Method == "*" ? "GET" : route.Method;
        var request = new HttpRequestMessage(new HttpMethod(method), route.Url) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        return client.SendAsync(request);
    }
}
