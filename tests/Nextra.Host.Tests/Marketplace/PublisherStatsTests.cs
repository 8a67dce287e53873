using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Host.Tests.Api;
using Nextra.Modules.Marketplace;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>
/// R5/R8: any tenant reports a listing (one report per tenant, a repeat replaces it; operators list them), and the publisher
/// sees per listing its installs, votes, tenants active in 30 days and reports. The OpenAPI document shows both request
/// bodies of the publish route.
/// </summary>
public sealed class PublisherStatsTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Echo = """
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))
        """;

    [Fact]
    public async Task Reports_AndPublisherStats_InstallsVotesActiveTenantsReports()
    {
        var a = await factory.CreateUserAsync("stats-a");
        var handle = (await a.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var module = await Json.PostAsync(a.Client, "/api/modules", new { name = "stats_echo", kind = "wat", content = Echo }, 201);
        await Json.PostAsync(a.Client, "/api/marketplace/publish", new
        {
            kind = "tool", moduleId = module["id"]!.GetValue<string>(), name = "stats-echo", version = "1.0.0", summary = "Echo", categories = new[] { "utility" },
            permissions = new { log = false },
        }, 202);
        var id = $"{handle}/stats-echo";

        var b = await factory.CreateUserAsync("stats-b");
        await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id, acceptPermissions = true }, 201);
        var flow = await Json.PostAsync(b.Client, "/api/flows", Flows.Create("Stats tool", $$$"""
            organism: {name: stats}
            payloads:
              Text: {fields: {Text: string}}
            listeners:
              - {name: a, description: echo, payload_class: Text, handler: code, config: {module: "{{{id}}}@1"}}
            """), 201);
        var run = await Json.PostAsync(b.Client, $"/api/triggers/{flow["id"]}/inject?wait=20", new { payload = new { text = "x" }, target = "a", payloadClass = "Text" }, 200);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        await Json.PostAsync(b.Client, $"/api/marketplace/tools/{id}/votes", new { up = true }, 200);

        Assert.Equal("received", (await Json.PostAsync(b.Client, $"/api/marketplace/tools/{id}/reports", new { reason = "spam" }, 200))["state"]!.GetValue<string>());
        Assert.Equal("updated", (await Json.PostAsync(b.Client, $"/api/marketplace/tools/{id}/reports", new { reason = "malware", text = "posts my keys" }, 200))["state"]!.GetValue<string>());
        var c = await factory.CreateUserAsync("stats-c");
        await Json.PostAsync(c.Client, $"/api/marketplace/tools/{id}/reports", new { reason = "broken" }, 200);
        Assert.Equal("validation_failed", (await Json.PostAsync(c.Client, $"/api/marketplace/tools/{id}/reports", new { reason = "meh" }, 422))["code"]!.GetValue<string>());
        Assert.Equal("validation_failed", (await Json.PostAsync(a.Client, $"/api/marketplace/tools/{id}/reports", new { reason = "spam" }, 422))["code"]!.GetValue<string>());

        var stats = (await a.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher/stats"))!;
        Assert.Equal(handle, stats["handle"]!.GetValue<string>());
        var listing = Assert.Single(stats["listings"]!.AsArray())!;
        Assert.Equal((id, "1.0.0"), (listing["id"]!.GetValue<string>(), listing["version"]!.GetValue<string>()));
        // b's tenant is minutes old: its vote is held ([marketplace] min_voter_age_days = 7), not in the totals.
        Assert.Equal((1L, 0L, 0L, 1L, 2L), (listing["installs"]!.GetValue<long>(), listing["votesUp"]!.GetValue<long>(), listing["votesDown"]!.GetValue<long>(),
            listing["activeTenants30d"]!.GetValue<long>(), listing["reports"]!.GetValue<long>()));
        Assert.Empty((await b.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher/stats"))!["listings"]!.AsArray());

        using var scope = factory.Services.CreateScope();
        var reports = await scope.ServiceProvider.GetRequiredService<MarketplaceRegistry>().ReportsAsync(100, default);
        Assert.Contains(reports, r => r.ListingId == id && r.TenantId == b.TenantId && r.Reason == "malware" && r.Text == "posts my keys");
        Assert.Equal(2, reports.Count(r => r.ListingId == id));
    }

    [Fact]
    public async Task OpenApi_PublishDocumentsTheJsonAndTheMultipartBodies()
    {
        var doc = (await factory.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var content = doc["paths"]!["/api/marketplace/publish"]!["post"]!["requestBody"]!["content"]!.AsObject();
        Assert.Equal(["application/json", "multipart/form-data"], content.Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.EndsWith("PublishRequest", content["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        var multipart = content["multipart/form-data"]!["schema"]!;
        Assert.Equal("binary", multipart["properties"]!["package"]!["format"]!.GetValue<string>());
        Assert.Contains("package", multipart["required"]!.AsArray().Select(r => r!.GetValue<string>()));
    }
}
