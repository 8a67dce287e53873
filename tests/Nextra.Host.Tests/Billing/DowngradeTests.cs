using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nextra.Host.Tests.Api;
using Nextra.Host.Tests.Runs;
using Nextra.Tests.Shared;
using static Nextra.Host.Tests.Billing.StripeEventsBuilder;

namespace Nextra.Host.Tests.Billing;

/// <summary>
/// Downgrades never delete (issue 13): a downgrade by Stripe event stops the flows above the new tier's <c>flows</c> with
/// reason <c>over_plan_limit</c> (the ones updated longest ago stay running), refuses starting them while over, and an
/// upgrade lets them start; modules above <c>wasm_modules</c> cannot be used by new saves.
/// </summary>
public sealed class DowngradeTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private const string Wat = "(module (memory (export \"memory\") 1) (func (export \"alloc\") (param i32) (result i32) (i32.const 0)) (func (export \"handle\") (param i32 i32) (result i64) (i64.const 0)))";

    private static string NewId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..12];

    private long Created(int offsetSeconds = 0) => factory.Time.GetUtcNow().ToUnixTimeSeconds() + offsetSeconds;

    private async Task DeliverOkAsync(string json)
    {
        using var response = await DeliverAsync(factory.CreateClient(), json, factory.Time.GetUtcNow());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("applied", JsonNode.Parse(text)!["outcome"]!.GetValue<string>());
    }

    private async Task<(TestUser Owner, string Customer, string Subscription)> SubscribedAsync(string price)
    {
        var owner = await factory.CreateUserAsync(NewId("downgrade"));
        var (customer, subscription) = (NewId("cus"), NewId("sub"));
        await DeliverOkAsync(Checkout(NewId("evt"), Created(), owner.TenantId, customer, subscription));
        await DeliverOkAsync(Subscription(NewId("evt"), "customer.subscription.created", Created(), customer, subscription, "active", price, owner.TenantId));
        return (owner, customer, subscription);
    }

    private Task ChangePlanAsync(string customer, string subscription, string price, int at) =>
        DeliverOkAsync(Subscription(NewId("evt"), "customer.subscription.updated", Created(at), customer, subscription, "active", price));

    private static async Task<JsonNode> StatusAsync(TestUser owner, string flowId) =>
        (await owner.Client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/status"))!;

    /// <summary>The stored stop applies at once; the pump on the owning instance stops when the signal is handled.</summary>
    private static async Task<JsonNode> WaitForStatusAsync(TestUser owner, string flowId, string status)
    {
        JsonNode current = await StatusAsync(owner, flowId);
        for (var i = 0; i < 100 && current["status"]!.GetValue<string>() != status; i++)
        {
            await Task.Delay(100);
            current = await StatusAsync(owner, flowId);
        }
        Assert.True(current["status"]!.GetValue<string>() == status, current.ToJsonString());
        return current;
    }

    [Fact]
    public async Task Downgrade_StopsFlowsAboveTheLimit_OldestUpdatedStay_UpgradeLetsThemStart()
    {
        var (owner, customer, subscription) = await SubscribedAsync(BillingFactory.ProPrice);
        var ids = new List<string>();
        foreach (var name in (string[])["first", "second", "third"])
        {
            factory.Time.Advance(TimeSpan.FromSeconds(1));
            var created = await Json.PostAsync(owner.Client, "/api/flows", Flows.Create(name, TestFlows.Greeter), 201);
            ids.Add(created["id"]!.GetValue<string>());
            Assert.Equal("running", (await Json.PostAsync(owner.Client, $"/api/flows/{ids[^1]}/start", new { }, 200))["status"]!.GetValue<string>());
        }
        // "first" is saved again: now it is the one updated most recently, so it is the one a downgrade to 2 flows stops.
        factory.Time.Advance(TimeSpan.FromSeconds(1));
        await Json.PutAsync(owner.Client, $"/api/flows/{ids[0]}", Flows.Create("first, edited", TestFlows.Greeter), 200);

        await ChangePlanAsync(customer, subscription, BillingFactory.PaidPrice, 1); // pro (any number of flows) → paid (2)
        var stopped = await WaitForStatusAsync(owner, ids[0], "stopped");
        Assert.Equal("over_plan_limit", stopped["reason"]?.GetValue<string>());
        foreach (var kept in ids.Skip(1))
        {
            var status = await StatusAsync(owner, kept);
            Assert.Equal("running", status["status"]!.GetValue<string>());
            Assert.Null(status["reason"]);
        }
        // Nothing was deleted.
        Assert.Equal(3, (await owner.Client.GetFromJsonAsync<JsonArray>("/api/flows"))!.Count);

        // Over the limit: starting it is refused with a problem that says what to do; so is waking it with an inject.
        var refused = await Json.PostAsync(owner.Client, $"/api/flows/{ids[0]}/start", new { }, 403);
        Assert.Equal("over_plan_limit", refused["code"]!.GetValue<string>());
        Assert.Equal("flows", refused["limit"]!.GetValue<string>());
        Assert.Contains("paid plan runs 2 flows", refused["detail"]!.GetValue<string>());
        Assert.Contains("upgrade", refused["detail"]!.GetValue<string>());
        var inject = await Json.PostAsync(owner.Client, $"/api/triggers/{ids[0]}/inject", new { payload = new { name = "x" }, target = "route", payloadClass = "Greeting" }, 403);
        Assert.Equal("over_plan_limit", inject["code"]!.GetValue<string>());
        Assert.Equal("stopped", (await StatusAsync(owner, ids[0]))["status"]!.GetValue<string>());

        // Stopping another flow makes room, within the same plan.
        await Json.PostAsync(owner.Client, $"/api/flows/{ids[2]}/stop", new { }, 200);
        Assert.Equal("running", (await Json.PostAsync(owner.Client, $"/api/flows/{ids[0]}/start", new { }, 200))["status"]!.GetValue<string>());
        Assert.Null((await StatusAsync(owner, ids[0]))["reason"]);
        await Json.PostAsync(owner.Client, $"/api/flows/{ids[2]}/start", new { }, 403);

        // An upgrade lets it start.
        await ChangePlanAsync(customer, subscription, BillingFactory.ProPrice, 2);
        Assert.Equal("running", (await Json.PostAsync(owner.Client, $"/api/flows/{ids[2]}/start", new { }, 200))["status"]!.GetValue<string>());
        foreach (var id in ids) Assert.Equal("running", (await StatusAsync(owner, id))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Downgrade_ModulesAboveTheLimit_CannotBeUsedByNewSaves()
    {
        var (owner, customer, subscription) = await SubscribedAsync(BillingFactory.ProPrice);
        await Json.PostAsync(owner.Client, "/api/modules", new { name = "alpha", kind = "wat", content = Wat }, 201);
        factory.Time.Advance(TimeSpan.FromSeconds(1));
        await Json.PostAsync(owner.Client, "/api/modules", new { name = "beta", kind = "wat", content = Wat }, 201);
        var usesBeta = Flows.Create("uses beta", UsesModule("beta"));
        var flow = (await Json.PostAsync(owner.Client, "/api/flows", usesBeta, 201))["id"]!.GetValue<string>();

        await ChangePlanAsync(customer, subscription, BillingFactory.PaidPrice, 1); // paid: 1 module
        // Both modules are still there.
        Assert.Equal(2, (await owner.Client.GetFromJsonAsync<JsonArray>("/api/modules"))!.Select(m => m!["name"]!.GetValue<string>()).Distinct().Count());

        var refused = await Json.PutAsync(owner.Client, $"/api/flows/{flow}", usesBeta, 422);
        var error = Assert.Single(refused["errors"]!.AsArray())!;
        Assert.Equal("over_plan_limit", error["code"]!.GetValue<string>());
        var message = error["message"]!.GetValue<string>();
        Assert.Contains("module 'beta' is over the plan limit", message);
        Assert.Contains("paid tier allows 1 WASM module (wasm_modules)", message);
        Assert.Contains("alpha", message);
        Assert.Equal(9, error["line"]!.GetValue<int>());
        await Json.PostAsync(owner.Client, "/api/flows", usesBeta, 422);
        // The first module uploaded is still usable.
        await Json.PutAsync(owner.Client, $"/api/flows/{flow}", Flows.Create("uses alpha", UsesModule("alpha")), 200);

        await ChangePlanAsync(customer, subscription, BillingFactory.ProPrice, 2);
        await Json.PutAsync(owner.Client, $"/api/flows/{flow}", usesBeta, 200);
    }

    private static string UsesModule(string name) => """
        organism: {name: uses-module}
        payloads:
          Text: {fields: {Text: string}}
        listeners:
          - name: a
            description: runs a module of the tenant
            payload_class: Text
            handler: code
            config: {module: NAME}
        """.Replace("NAME", name, StringComparison.Ordinal);
}

/// <summary>Metering through a real run: a webhook runs a flow, and GET /api/usage counts the run and its steps.</summary>
public sealed class UsageMeterRunTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private static async Task<(long Runs, long Steps)> MetersAsync(TestUser user)
    {
        var meters = (await Json.ReadAsync(await user.Client.GetAsync("/api/usage")))["meters"]!;
        return (meters["runs"]!.GetValue<long>(), meters["steps"]!.GetValue<long>());
    }

    [Fact]
    public async Task WebhookRun_AddsRunsAndStepsToUsage()
    {
        var user = await factory.CreateUserAsync("meters-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal((0L, 0L), await MetersAsync(user));
        var (_, hook) = await RunFlows.DeployAsync(user.Client);
        var run = await RunFlows.SendAsync(user.Client, hook, """{"name":"metered"}""", HttpStatusCode.OK);
        Assert.True(run["status"]?.GetValue<string>() == "succeeded", run.ToJsonString());

        // Usage is added when the run's trace commits, right after the answer.
        var meters = await MetersAsync(user);
        for (var i = 0; i < 100 && meters.Runs == 0; i++)
        {
            await Task.Delay(100);
            meters = await MetersAsync(user);
        }
        Assert.Equal(1L, meters.Runs);
        Assert.True(meters.Steps >= 1, $"steps {meters.Steps}");
        var usage = await Json.ReadAsync(await user.Client.GetAsync("/api/usage"));
        Assert.True(usage["meters"]!["webhookBytesIn"]!.GetValue<long>() > 0);
    }
}
