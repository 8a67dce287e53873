using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nextra.Host.Tests.Runs;

namespace Nextra.Host.Tests.Api;

/// <summary>A server-run flow reads its tenant's secrets and goes out only through the egress guard.</summary>
public sealed class FlowSecretsEgressTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private static string Flow(string url) => $$$"""
        organism:
          name: caller
        payloads:
          Ping: {fields: {Text: string}}
        triggers:
          - {name: hook, type: webhook, target: call, payload: Ping}
        listeners:
          - name: call
            description: calls an API with a secret
            payload_class: Ping
            handler: http
            config:
              url: "{{{url}}}"
              headers: {Authorization: "Bearer {{secret:API_TOKEN}}"}
        """;

    [Fact]
    public async Task HttpBlock_UsesTenantSecretAndGuardedEgress()
    {
        string? seen = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var api = builder.Build();
        api.MapGet("/echo", (HttpRequest r) =>
        {
            seen = r.Headers.Authorization.ToString();
            return Results.Text($"you sent {seen}");
        });
        await api.StartAsync();
        var address = api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        using var server = factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, c) =>
            c.AddInMemoryCollection(new Dictionary<string, string?> { ["Egress:AllowList:0"] = "127.0.0.1" })));
        var owner = await CreateUserAsync(server);
        var put = await owner.PutAsync("/api/secrets/API_TOKEN", Json.Body("""{"value":"tok-0123456789"}"""));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

        var (_, hook) = await RunFlows.DeployAsync(owner, Flow(address + "/echo?t={{Text}}"));
        var run = await RunFlows.SendAsync(server.CreateClient(), hook, """{"Text":"hi"}""", HttpStatusCode.OK);
        Assert.True(run["status"]!.GetValue<string>() == "succeeded", run.ToJsonString());
        Assert.Equal("Bearer tok-0123456789", seen);
        Assert.DoesNotContain("tok-0123456789", run.ToJsonString());
        Assert.Contains("[secret:API_TOKEN]", run["outputs"]![0]!["payload"]!["Body"]!.GetValue<string>());

        var (_, blockedHook) = await RunFlows.DeployAsync(owner, Flow("http://10.1.2.3/metadata?t={{Text}}"));
        var blocked = await RunFlows.SendAsync(server.CreateClient(), blockedHook, """{"Text":"hi"}""", HttpStatusCode.OK);
        Assert.Equal("failed", blocked["status"]!.GetValue<string>());
        Assert.Contains(blocked["steps"]!.AsArray(), s => s!["error"]?["code"]?.GetValue<string>() == "egress_blocked");
    }

    private static async Task<HttpClient> CreateUserAsync(WebApplicationFactory<Program> server)
    {
        using var scope = server.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<Nextra.Modules.Accounts.AccountService>();
        var keys = scope.ServiceProvider.GetRequiredService<Nextra.Modules.Accounts.ApiKeyService>();
        var user = await accounts.CreateUserAsync($"owner-{Guid.NewGuid():N}@example.test", TestUser.Password, "egress-" + Guid.NewGuid().ToString("N"),
            Nextra.Modules.Common.Role.Owner, CancellationToken.None);
        var (_, key) = await keys.CreateAsync(user.TenantId, user.UserId, "test", CancellationToken.None);
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
