using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Api;

/// <summary>Tenant B never sees tenant A's resources: 404 by id, absent from lists. Runs on each storage provider.</summary>
public abstract class TenantIsolationSuite(NextraFactory factory)
{
    public static TheoryData<string, string> ByIdRoutes => new()
    {
        { "GET", "/api/flows/{id}" },
        { "PUT", "/api/flows/{id}" },
        { "DELETE", "/api/flows/{id}" },
        { "GET", "/api/flows/{id}/versions" },
        { "GET", "/api/flows/{id}/versions/1" },
        { "POST", "/api/flows/{id}/versions/1/restore" },
        { "GET", "/api/flows/{id}/export" },
        { "DELETE", "/api/apikeys/{key}" },
    };

    [ProviderTheory]
    [MemberData(nameof(ByIdRoutes))]
    public async Task OtherTenantsResource_ById_Is404(string method, string template)
    {
        var (a, b, flowId, keyId) = await TwoTenantsAsync();
        var url = template.Replace("{id}", flowId).Replace("{key}", keyId);
        using var request = new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = method is "PUT" or "POST" ? new StringContent(Json.Serialize(Flows.Create("Hijack", Flows.OtherYaml)), Encoding.UTF8, "application/json") : null,
        };

        using var response = await b.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await Json.ReadAsync(response))["code"]!.GetValue<string>());
        // And A's resource is untouched.
        var flow = await a.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}");
        Assert.Equal("Hello flow", flow!["name"]!.GetValue<string>());
        Assert.Equal(1, flow["version"]!.GetValue<long>());
        var keys = await a.Client.GetFromJsonAsync<JsonArray>("/api/apikeys");
        Assert.Contains(keys!, k => k!["id"]!.GetValue<string>() == keyId);
    }

    [ProviderFact]
    public async Task OtherTenantsResources_InLists_Absent()
    {
        var (_, b, flowId, keyId) = await TwoTenantsAsync();

        var flows = await b.Client.GetFromJsonAsync<JsonArray>("/api/flows");
        var keys = await b.Client.GetFromJsonAsync<JsonArray>("/api/apikeys");

        Assert.DoesNotContain(flows!, f => f!["id"]!.GetValue<string>() == flowId);
        Assert.DoesNotContain(keys!, k => k!["id"]!.GetValue<string>() == keyId);
    }

    [ProviderFact]
    public async Task SameTenantOtherUser_ApiKeys_NotVisible()
    {
        var tenant = "shared-" + Guid.NewGuid().ToString("N");
        var first = await factory.CreateUserAsync(tenant);
        var second = await factory.CreateUserAsync(tenant, Nextra.Modules.Common.Role.Admin);
        var keyId = (await Json.PostAsync(first.Client, "/api/apikeys", new { name = "mine" }, 201))["id"]!.GetValue<string>();

        var keys = await second.Client.GetFromJsonAsync<JsonArray>("/api/apikeys");

        Assert.DoesNotContain(keys!, k => k!["id"]!.GetValue<string>() == keyId);
        Assert.Equal(HttpStatusCode.NotFound, (await second.Client.DeleteAsync($"/api/apikeys/{keyId}")).StatusCode);
    }

    private async Task<(TestUser A, TestUser B, string FlowId, string KeyId)> TwoTenantsAsync()
    {
        var a = await factory.CreateUserAsync("tenant-a-" + Guid.NewGuid().ToString("N"));
        var b = await factory.CreateUserAsync("tenant-b-" + Guid.NewGuid().ToString("N"));
        var flowId = (await Json.PostAsync(a.Client, "/api/flows", Flows.Create(), 201))["id"]!.GetValue<string>();
        var keyId = (await Json.PostAsync(a.Client, "/api/apikeys", new { name = "a-key" }, 201))["id"]!.GetValue<string>();
        return (a, b, flowId, keyId);
    }
}

public sealed class TenantIsolationTests(NextraFactory factory) : TenantIsolationSuite(factory), IClassFixture<NextraFactory>;

/// <summary>The same suite, unchanged, with every store on Postgres (hosted mode).</summary>
public sealed class PostgresTenantIsolationTests(PostgresNextraFactory factory) : TenantIsolationSuite(factory), IClassFixture<PostgresNextraFactory>;
