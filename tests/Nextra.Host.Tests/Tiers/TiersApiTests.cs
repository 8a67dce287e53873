using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Host.Tests.Api;
using Nextra.Host.Tests.Runs;
using Nextra.Modules.Accounts;
using Nextra.Modules.Common;
using Nextra.Modules.Tiers;

namespace Nextra.Host.Tests.Tiers;

/// <summary>Tier quotas through the real host: each refuses with quota_exceeded at its limit and allows below it.</summary>
public sealed class TiersApiTests(TiersFactory factory) : IClassFixture<TiersFactory>
{
    private async Task<TestUser> UserOnTierAsync(string tier)
    {
        var tenant = $"{tier}-{Guid.NewGuid():N}";
        var user = await factory.CreateUserAsync(tenant);
        await factory.Services.GetRequiredService<TierService>().SetTierAsync(tenant, tier, CancellationToken.None);
        return user;
    }

    private static async Task<JsonObject> UsageAsync(TestUser user) => (await user.Client.GetFromJsonAsync<JsonObject>("/api/usage"))!;

    [Fact]
    public async Task Usage_DefaultTenant_EnterpriseUnlimited()
    {
        var user = await factory.CreateUserAsync("tiers-default-" + Guid.NewGuid().ToString("N"));
        await Json.PostAsync(user.Client, "/api/flows", Flows.Create("one"), 201);
        await Json.PostAsync(user.Client, "/api/flows", Flows.Create("two"), 201);

        var usage = await UsageAsync(user);

        Assert.Equal("enterprise", usage["tier"]!.GetValue<string>());
        Assert.Equal(2, usage["flows"]!.GetValue<long>());
        Assert.Null(usage["flowsLimit"]);
        Assert.Null(usage["runsLimit"]);
        Assert.Null(usage["modulesLimit"]);
        Assert.Null(usage["memoryLimitBytes"]);
        Assert.Null(usage["membersLimit"]);
        Assert.Equal(1, usage["members"]!.GetValue<long>());
        Assert.True(usage["keepAlive"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Flows_FreeTier_SecondFlowAndImportRefused()
    {
        var user = await UserOnTierAsync("free");
        await Json.PostAsync(user.Client, "/api/flows", Flows.Create("only"), 201);

        await Problems.AssertQuotaAsync(await user.Client.PostAsJsonAsync("/api/flows", Flows.Create("second")), HttpStatusCode.Forbidden,
            "The free tier allows 1 flow; delete one or move the tenant to a higher tier (nextra tenant set-tier)");
        var import = await user.Client.PostAsync("/api/flows/import", new StringContent(Flows.ValidYaml, System.Text.Encoding.UTF8, "text/yaml"));
        await Problems.AssertQuotaAsync(import, HttpStatusCode.Forbidden, "free tier allows 1 flow");

        var usage = await UsageAsync(user);
        Assert.Equal("free", usage["tier"]!.GetValue<string>());
        Assert.Equal(1, usage["flows"]!.GetValue<long>());
        Assert.Equal(1, usage["flowsLimit"]!.GetValue<long>());
    }

    [Fact]
    public async Task TierChange_AppliesWithoutRestart()
    {
        var user = await UserOnTierAsync("free");
        await Json.PostAsync(user.Client, "/api/flows", Flows.Create("only"), 201);
        await Json.PostAsync(user.Client, "/api/flows", Flows.Create("second"), 403);

        var tenant = (await user.Client.GetFromJsonAsync<JsonObject>("/api/auth/me"))!["tenantName"]!.GetValue<string>();
        await factory.Services.GetRequiredService<TierService>().SetTierAsync(tenant, "paid", CancellationToken.None);

        await Json.PostAsync(user.Client, "/api/flows", Flows.Create("second"), 201);
        var usage = await UsageAsync(user);
        Assert.Equal("paid", usage["tier"]!.GetValue<string>());
        Assert.Equal(10, usage["flowsLimit"]!.GetValue<long>());
        Assert.Equal(10L * 1024 * 1024, usage["memoryLimitBytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task Executions_FreeTier_WebhookHeldInjectAndReplayRefusedWith429AtMonthlyLimit()
    {
        var user = await UserOnTierAsync("free");
        var (flowId, hook) = await RunFlows.DeployAsync(user.Client);

        await RunFlows.SendAsync(user.Client, hook, """{"name":"a"}""", HttpStatusCode.OK);
        var run = await Json.PostAsync(user.Client, $"/api/triggers/{flowId}/inject?wait=10", new { payload = new { name = "b" } }, 200);
        await Json.PostAsync(user.Client, $"/api/runs/{run["runId"]!.GetValue<string>()}/replay", new { }, 202);

        var detail = $"The free tier allows {TiersFactory.FreeExecutions} executions a month";
        // R10: a webhook at the quota is durably accepted but held (not counted, not run); inject and replay are refused.
        using (var held = await user.Client.PostAsync(hook, Json.Body("""{"name":"c"}""")))
        {
            Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
            Assert.Equal("quota", Assert.Single(held.Headers.GetValues("X-Nextra-Held")));
        }
        await Problems.AssertQuotaAsync(await user.Client.PostAsJsonAsync($"/api/triggers/{flowId}/inject", new { payload = new { name = "d" } }),
            HttpStatusCode.TooManyRequests, detail);
        await Problems.AssertQuotaAsync(await user.Client.PostAsJsonAsync($"/api/runs/{run["runId"]!.GetValue<string>()}/replay", new { }),
            HttpStatusCode.TooManyRequests, "nextra tenant set-tier");

        // A stopped flow is not started for a run the quota refuses anyway.
        await Json.PostAsync(user.Client, $"/api/flows/{flowId}/stop", new { }, 200);
        await Problems.AssertQuotaAsync(await user.Client.PostAsJsonAsync($"/api/triggers/{flowId}/inject", new { payload = new { name = "f" } }),
            HttpStatusCode.TooManyRequests, detail);
        Assert.Equal("stopped", (await user.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/status"))!["status"]!.GetValue<string>());

        var usage = await UsageAsync(user);
        Assert.Equal(TiersFactory.FreeExecutions, usage["runsThisMonth"]!.GetValue<long>());
        Assert.Equal(TiersFactory.FreeExecutions, usage["runsLimit"]!.GetValue<long>());
        Assert.Equal(1, usage["held"]!.GetValue<long>());

        // Another tenant's budget is its own.
        var other = await factory.CreateUserAsync("tiers-other-" + Guid.NewGuid().ToString("N"));
        var (_, otherHook) = await RunFlows.DeployAsync(other.Client);
        await RunFlows.SendAsync(other.Client, otherHook, """{"name":"e"}""", HttpStatusCode.OK);
    }

    [Fact]
    public async Task Modules_FreeTier_UploadBuildAndInlineCodeRefused()
    {
        var user = await UserOnTierAsync("free");
        var upload = await user.Client.PostAsJsonAsync("/api/modules", new { name = "echo", kind = "wat", content = "(module)" });
        await Problems.AssertQuotaAsync(upload, HttpStatusCode.Forbidden, "Custom code needs the pro tier");
        await Problems.AssertQuotaAsync(await user.Client.PostAsJsonAsync("/api/modules/build", new { source = "x" }), HttpStatusCode.Forbidden, "pro tier");

        var yaml = await File.ReadAllTextAsync(Path.Combine(RepoRoot.Path, "examples", "code-wat.yaml"));
        var body = await Json.PostAsync(user.Client, "/api/flows", Flows.Create("code", yaml), 422);
        var error = body["errors"]![0]!;
        Assert.Equal("code_needs_tier", error["code"]!.GetValue<string>());
        Assert.Contains("custom code needs the pro tier", error["message"]!.GetValue<string>());
        Assert.True(error["line"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task Fanout_WiderThanTheTier_RefusedOnSave_AllowedOnAWiderTier()
    {
        var listeners = string.Join("", Enumerable.Range(0, 5).Select(i => $"  - {{name: b{i}, description: b, payload_class: Message, handler: output}}\n"));
        var yaml = "organism: {name: wide}\npayloads:\n  Message: {fields: {Text: string}}\nlisteners:\n" +
            "  - {name: ask, description: fans out, payload_class: Message, handler: fanout, config: {fanout: [b0, b1, b2, b3, b4]}}\n" + listeners;
        var free = await UserOnTierAsync("free");
        var body = await Json.PostAsync(free.Client, "/api/flows", Flows.Create("wide", yaml), 422);
        var error = body["errors"]![0]!;
        Assert.Equal("too_many_branches", error["code"]!.GetValue<string>());
        Assert.Contains("at most 4 branches", error["message"]!.GetValue<string>());
        Assert.Equal(5, error["line"]!.GetValue<int>());
        var paid = await UserOnTierAsync("paid");
        await Json.PostAsync(paid.Client, "/api/flows", Flows.Create("wide", yaml), 201);
    }

    [Fact]
    public async Task Modules_ProTier_NewVersionAllowedNewNameRefusedAtLimit()
    {
        var user = await UserOnTierAsync("pro");
        const string wat = "(module (memory (export \"memory\") 1) (func (export \"alloc\") (param i32) (result i32) (i32.const 0)) (func (export \"handle\") (param i32 i32) (result i64) (i64.const 0)))";
        await Json.PostAsync(user.Client, "/api/modules", new { name = "echo", kind = "wat", content = wat }, 201);
        await Json.PostAsync(user.Client, "/api/modules", new { name = "echo", kind = "wat", content = wat }, 201);

        var other = await user.Client.PostAsJsonAsync("/api/modules", new { name = "other", kind = "wat", content = wat });
        await Problems.AssertQuotaAsync(other, HttpStatusCode.Forbidden, "The pro tier allows 1 WASM module");

        var usage = await UsageAsync(user);
        Assert.Equal(1, usage["modules"]!.GetValue<long>());
        Assert.Equal(1, usage["modulesLimit"]!.GetValue<long>());
    }

    [Fact]
    public async Task Modules_ConcurrentUploadsOfNewNames_OnlyOneFitsTheLastSlot()
    {
        var user = await UserOnTierAsync("pro");
        const string wat = "(module (memory (export \"memory\") 1) (func (export \"alloc\") (param i32) (result i32) (i32.const 0)) (func (export \"handle\") (param i32 i32) (result i64) (i64.const 0)))";
        var uploads = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            user.Client.PostAsJsonAsync("/api/modules", new { name = $"racer{i}", kind = "wat", content = wat })));
        Assert.Equal(1, uploads.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(5, uploads.Count(r => r.StatusCode == HttpStatusCode.Forbidden));
        Assert.Equal(1, (await UsageAsync(user))["modules"]!.GetValue<long>());
    }

    [Fact]
    public async Task Memory_FreeTierRefused_PaidTierCapped()
    {
        var free = await UserOnTierAsync("free");
        var flow = (await Json.PostAsync(free.Client, "/api/flows", Flows.Create("mem"), 201))["id"]!.GetValue<string>();
        await Problems.AssertQuotaAsync(await free.Client.PutAsync($"/api/flows/{flow}/memory/k", new ByteArrayContent([1])),
            HttpStatusCode.Forbidden, "Project memory is not available on the free tier");
        await Problems.AssertQuotaAsync(await free.Client.GetAsync($"/api/flows/{flow}/memory/k"), HttpStatusCode.Forbidden, "free tier");
        Assert.Equal(0, (await free.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{flow}/memory"))!["maxBytes"]!.GetValue<long>());

        var paid = await UserOnTierAsync("paid");
        var paidFlow = (await Json.PostAsync(paid.Client, "/api/flows", Flows.Create("mem", Flows.MemoryYaml), 201))["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await paid.Client.PutAsync($"/api/flows/{paidFlow}/memory/k", new ByteArrayContent([1]))).StatusCode);
        Assert.Equal(10L * 1024 * 1024, (await paid.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{paidFlow}/memory"))!["maxBytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task KeepAlive_FreeTierRefused_PaidTierAllowed()
    {
        var free = await UserOnTierAsync("free");
        var (flowId, _) = await RunFlows.DeployAsync(free.Client);
        await Problems.AssertQuotaAsync(await free.Client.PutAsJsonAsync($"/api/flows/{flowId}/keep-alive", new { keepAlive = true }),
            HttpStatusCode.Forbidden, "The free tier does not allow keep-alive");
        Assert.Equal(HttpStatusCode.OK, (await free.Client.PutAsJsonAsync($"/api/flows/{flowId}/keep-alive", new { keepAlive = false })).StatusCode);

        var tenant = $"paid-{Guid.NewGuid():N}";
        var paid = await factory.CreateUserAsync(tenant);
        var tiers = factory.Services.GetRequiredService<TierService>();
        await tiers.SetTierAsync(tenant, "paid", CancellationToken.None);
        var (paidFlow, _) = await RunFlows.DeployAsync(paid.Client);
        var status = await paid.Client.PutAsJsonAsync($"/api/flows/{paidFlow}/keep-alive", new { keepAlive = true });
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.True((await Json.ReadAsync(status))["keepAlive"]!.GetValue<bool>());

        // Downgraded: the stored flag is no longer honoured, and the status says so.
        await tiers.SetTierAsync(tenant, "free", CancellationToken.None);
        var after = await paid.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{paidFlow}/status");
        Assert.False(after!["keepAlive"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Members_FreeTier_SecondUserRefused_EnterpriseAllowed()
    {
        var tenant = "members-" + Guid.NewGuid().ToString("N");
        await factory.CreateUserAsync(tenant);
        await factory.Services.GetRequiredService<TierService>().SetTierAsync(tenant, "free", CancellationToken.None);
        var accounts = factory.Services.GetRequiredService<AccountService>();

        var ex = await Assert.ThrowsAsync<ApiException>(() =>
            accounts.CreateUserAsync($"second-{Guid.NewGuid():N}@example.test", TestUser.Password, tenant, Role.Editor, CancellationToken.None));
        Assert.Equal(403, ex.Status);
        Assert.Equal("quota_exceeded", ex.Code);
        Assert.Contains("The free tier allows 1 team member", ex.Detail);

        await factory.Services.GetRequiredService<TierService>().SetTierAsync(tenant, "default", CancellationToken.None);
        var second = await factory.CreateUserAsync(tenant, Role.Editor);
        Assert.Equal(2, (await UsageAsync(second))["members"]!.GetValue<long>());
    }

    [Fact]
    public async Task UserCreate_WithTier_NewTenantStartsOnIt_UnknownTierRejected()
    {
        var accounts = factory.Services.GetRequiredService<AccountService>();
        var tenant = "tiered-" + Guid.NewGuid().ToString("N");
        var user = await accounts.CreateUserAsync($"t-{Guid.NewGuid():N}@example.test", TestUser.Password, tenant, null, "pro", CancellationToken.None);
        Assert.Equal("pro", (await factory.Services.GetRequiredService<ITierLimits>().ForTenantAsync(user.TenantId, CancellationToken.None)).Name);

        var bad = await Assert.ThrowsAsync<ApiException>(() =>
            accounts.CreateUserAsync($"u-{Guid.NewGuid():N}@example.test", TestUser.Password, "x-" + Guid.NewGuid().ToString("N"), null, "gold", CancellationToken.None));
        Assert.Contains("Unknown tier 'gold'", bad.Detail);
    }
}
