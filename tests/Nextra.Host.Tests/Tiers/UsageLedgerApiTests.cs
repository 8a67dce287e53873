using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Host.Tests.Api;
using Nextra.Host.Tests.Runs;
using Nextra.Modules.Common;
using Nextra.Modules.Tiers;

namespace Nextra.Host.Tests.Tiers;

/// <summary>R10 through the real host: holds at the quota, release on an upgrade, the ledger and /api/usage agreeing.</summary>
public sealed class UsageLedgerApiTests(TiersFactory factory) : IClassFixture<TiersFactory>
{
    private async Task<(TestUser User, string Tenant)> FreeUserAsync()
    {
        var tenant = "ledger-" + Guid.NewGuid().ToString("N");
        var user = await factory.CreateUserAsync(tenant);
        await factory.Services.GetRequiredService<TierService>().SetTierAsync(tenant, "free", CancellationToken.None);
        return (user, tenant);
    }

    private static async Task<JsonObject> GetAsync(TestUser user, string url) => (await user.Client.GetFromJsonAsync<JsonObject>(url))!;

    [Fact]
    public async Task Webhooks_AtQuota_HeldThen429WithRetryAfter_UpgradeReleasesThemCounted()
    {
        var (user, tenant) = await FreeUserAsync();
        var (_, hook) = await RunFlows.DeployAsync(user.Client);
        for (var i = 0; i < TiersFactory.FreeExecutions; i++) await RunFlows.SendAsync(user.Client, hook, $$"""{"name":"n{{i}}"}""", HttpStatusCode.OK);

        var heldIds = new List<string>();
        for (var i = 0; i < TiersFactory.MaxHeldRuns; i++)
        {
            using var held = await user.Client.PostAsync(hook + "?wait=5", Json.Body("""{"name":"held"}"""));
            Assert.Equal(HttpStatusCode.Accepted, held.StatusCode); // answered at once: a held run does not run
            Assert.Equal("quota", Assert.Single(held.Headers.GetValues("X-Nextra-Held")));
            heldIds.Add((await held.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<string>());
        }
        using (var full = await user.Client.PostAsync(hook, Json.Body("""{"name":"over"}""")))
        {
            var retry = full.Headers.RetryAfter?.Delta?.TotalSeconds;
            await Problems.AssertQuotaAsync(full, HttpStatusCode.TooManyRequests, "webhooks are already held until then");
            var now = DateTimeOffset.UtcNow;
            var reset = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
            Assert.NotNull(retry);
            Assert.InRange(retry!.Value, (reset - now).TotalSeconds - 60, (reset - now).TotalSeconds + 1);
        }

        var heldRun = await GetAsync(user, $"/api/runs/{heldIds[0]}");
        Assert.Equal("held", heldRun["status"]!.GetValue<string>());
        var usage = await GetAsync(user, "/api/usage");
        Assert.Equal(TiersFactory.FreeExecutions, usage["runsThisMonth"]!.GetValue<long>());
        Assert.Equal(TiersFactory.MaxHeldRuns, usage["held"]!.GetValue<long>());
        var ledger = await GetAsync(user, "/api/usage/ledger");
        Assert.Equal(TiersFactory.FreeExecutions, ledger["items"]!.AsArray().Count);
        Assert.All(ledger["items"]!.AsArray(), e => Assert.Equal((1L, "accepted", "execution"),
            (e!["delta"]!.GetValue<long>(), e["reason"]!.GetValue<string>(), e["unit"]!.GetValue<string>())));

        // The upgrade applies at once: the held runs are released, oldest first, counted and run.
        await factory.Services.GetRequiredService<TierService>().SetTierAsync(tenant, "paid", CancellationToken.None);
        foreach (var id in heldIds)
        {
            Assert.Equal("succeeded", await WaitFinalAsync(user.Client, id));
        }
        usage = await GetAsync(user, "/api/usage");
        Assert.Equal(TiersFactory.FreeExecutions + TiersFactory.MaxHeldRuns, usage["runsThisMonth"]!.GetValue<long>());
        Assert.Equal(0, usage["held"]!.GetValue<long>());
        ledger = await GetAsync(user, "/api/usage/ledger?limit=2");
        Assert.Equal(heldIds.AsEnumerable().Reverse(), ledger["items"]!.AsArray().Select(e => e!["runId"]!.GetValue<string>()));
        Assert.All(ledger["items"]!.AsArray(), e => Assert.Equal("released", e!["reason"]!.GetValue<string>()));
        var older = await GetAsync(user, "/api/usage/ledger?limit=50&cursor=" + ledger["nextCursor"]!.GetValue<string>());
        Assert.Equal(TiersFactory.FreeExecutions, older["items"]!.AsArray().Count);
        Assert.Null(older["nextCursor"]);
        var sum = ledger["items"]!.AsArray().Concat(older["items"]!.AsArray()).Sum(e => e!["delta"]!.GetValue<long>());
        Assert.Equal(usage["runsThisMonth"]!.GetValue<long>(), sum);
    }

    [Fact]
    public async Task WasmRun_OnPro_FuelOfItsCallsRecordedOnceInTheLedger()
    {
        var tenant = "ledger-fuel-" + Guid.NewGuid().ToString("N");
        var user = await factory.CreateUserAsync(tenant);
        await factory.Services.GetRequiredService<TierService>().SetTierAsync(tenant, "pro", CancellationToken.None);
        var yaml = await File.ReadAllTextAsync(Path.Combine(RepoRoot.Path, "examples", "code-wat.yaml"));
        var flow = await Json.PostAsync(user.Client, "/api/flows", Flows.Create("fuel", yaml), 201);
        var flowId = flow["id"]!.GetValue<string>();
        await Json.PostAsync(user.Client, $"/api/flows/{flowId}/start", new { }, 200);
        var run = await Json.PostAsync(user.Client, $"/api/triggers/{flowId}/inject?wait=10", new { payload = new { text = "hello" } }, 200);
        // Succeeded: what the call burnt; trapped or timed out (a slow machine): its whole budget. Either way it is charged.
        var fuel = run["steps"]!.AsArray().Sum(s => s!["fuel"]?.GetValue<long>() ?? 0);
        Assert.True(fuel is > 0 and <= 100_000, run.ToJsonString());

        JsonNode? entry = null;
        for (var i = 0; i < 100 && entry is null; i++, await Task.Delay(50))
            entry = (await GetAsync(user, "/api/usage/ledger"))["items"]!.AsArray().FirstOrDefault(e => e!["unit"]!.GetValue<string>() == "fuel");
        Assert.NotNull(entry);
        Assert.Equal((fuel, "wasm_calls", run["runId"]!.GetValue<string>()),
            (entry!["delta"]!.GetValue<long>(), entry["reason"]!.GetValue<string>(), entry["runId"]!.GetValue<string>()));
        var executions = (await GetAsync(user, "/api/usage/ledger"))["items"]!.AsArray().Where(e => e!["unit"]!.GetValue<string>() == "execution");
        Assert.Single(executions); // the run counts once, whatever its fuel
    }

    private static async Task<string> WaitFinalAsync(HttpClient client, string runId)
    {
        for (var i = 0; i < 300; i++)
        {
            using var response = await client.GetAsync($"/api/runs/{runId}");
            if (response.StatusCode == HttpStatusCode.OK
                && (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>() is not ("pending" or "running" or "held") and var status)
            {
                return status;
            }
            await Task.Delay(50);
        }
        return "not finished after 15 s";
    }

    [Fact]
    public async Task Ledger_BadCursorOrLimit_400_ViewerForbidden_OtherTenantEmpty()
    {
        var tenant = "ledger-" + Guid.NewGuid().ToString("N");
        var user = await factory.CreateUserAsync(tenant);
        var viewer = await factory.CreateUserAsync(tenant, Role.Viewer);
        (await user.Client.GetAsync("/api/usage/ledger?cursor=abc")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await user.Client.GetAsync("/api/usage/ledger?limit=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await user.Client.GetAsync("/api/usage/ledger?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await viewer.Client.GetAsync("/api/usage/ledger")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var (_, hook) = await RunFlows.DeployAsync(user.Client);
        await RunFlows.SendAsync(user.Client, hook, """{"name":"a"}""", HttpStatusCode.OK);
        Assert.Single((await GetAsync(user, "/api/usage/ledger"))["items"]!.AsArray());
        var (other, _) = await FreeUserAsync();
        Assert.Empty((await GetAsync(other, "/api/usage/ledger"))["items"]!.AsArray());
    }
}

internal static class StatusAssertions
{
    public static void ShouldBe(this HttpStatusCode actual, HttpStatusCode expected) => Assert.Equal(expected, actual);
}
