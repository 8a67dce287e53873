using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Billing;
using Nextra.Modules.Common;
using static Nextra.Host.Tests.Billing.StripeEventsBuilder;

namespace Nextra.Host.Tests.Billing;

/// <summary>Billing against a scripted Stripe on loopback: Checkout, portal, signed webhooks, tiers that follow payment.</summary>
public sealed class BillingApiTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private static string NewId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..12];

    private async Task<JsonNode> BillingAsync(TestUser owner)
    {
        using var response = await owner.Client.GetAsync("/api/billing");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    private async Task<string> TierAsync(TestUser owner) => (await BillingAsync(owner))["tier"]!.GetValue<string>();

    private async Task<JsonNode> DeliverOkAsync(string json, string outcome = "applied")
    {
        using var response = await DeliverAsync(factory.CreateClient(), json, factory.Time.GetUtcNow());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text)!;
        Assert.Equal(outcome, body["outcome"]!.GetValue<string>());
        return body;
    }

    private long Created(int offsetSeconds = 0) => factory.Time.GetUtcNow().ToUnixTimeSeconds() + offsetSeconds;

    /// <summary>A new owner subscribed to pro (checkout completed, subscription created active).</summary>
    private async Task<(TestUser Owner, string Customer, string Subscription)> SubscribedAsync(string tier = "pro")
    {
        var owner = await factory.CreateUserAsync(NewId("billing"));
        var (customer, subscription) = (NewId("cus"), NewId("sub"));
        await DeliverOkAsync(Checkout(NewId("evt"), Created(), owner.TenantId, customer, subscription));
        await DeliverOkAsync(Subscription(NewId("evt"), "customer.subscription.created", Created(), customer, subscription, "active",
            tier == "pro" ? BillingFactory.ProPrice : BillingFactory.PaidPrice, owner.TenantId));
        return (owner, customer, subscription);
    }

    [Fact]
    public async Task Checkout_Owner_CreatesSubscriptionSessionWithPlanPriceAndTenant()
    {
        var owner = await factory.CreateUserAsync(NewId("checkout"));
        var answer = await Json.PostAsync(owner.Client, "/api/billing/checkout", new { tier = "pro" }, 200);
        Assert.StartsWith("https://checkout.stripe.test/c/pay/cs_test_", answer["url"]!.GetValue<string>());

        var sent = factory.Stripe.To("/v1/checkout/sessions").Last(r => r.Form.GetValueOrDefault("client_reference_id") == owner.TenantId);
        Assert.Equal("subscription", sent.Form["mode"]);
        Assert.Equal(BillingFactory.ProPrice, sent.Form["line_items[0][price]"]);
        Assert.Equal("1", sent.Form["line_items[0][quantity]"]);
        Assert.Equal(BillingFactory.ProMetered, sent.Form["line_items[1][price]"]);
        Assert.False(sent.Form.ContainsKey("line_items[1][quantity]")); // metered prices take no quantity
        Assert.Equal(owner.TenantId, sent.Form["subscription_data[metadata][tenant_id]"]);
        Assert.Equal(owner.Email, sent.Form["customer_email"]);
        Assert.False(sent.Form.ContainsKey("customer"));
        Assert.Equal("Bearer " + BillingFactory.SecretKey, sent.Authorization);
        Assert.StartsWith("checkout-", sent.IdempotencyKey);
        Assert.EndsWith("/settings/billing?checkout=success", sent.Form["success_url"]);
    }

    [Fact]
    public async Task Checkout_CustomerKnown_ReusedAfterCancel()
    {
        var (owner, customer, subscription) = await SubscribedAsync("paid");
        // While subscribed, a second subscription is refused: the portal changes plans.
        var refused = await Json.PostAsync(owner.Client, "/api/billing/checkout", new { tier = "pro" }, 409);
        Assert.Equal("subscription_active", refused["code"]!.GetValue<string>());
        await DeliverOkAsync(Subscription(NewId("evt"), "customer.subscription.deleted", Created(1), customer, subscription, "canceled", BillingFactory.PaidPrice));
        await Json.PostAsync(owner.Client, "/api/billing/checkout", new { tier = "pro" }, 200);
        var sent = factory.Stripe.To("/v1/checkout/sessions").Last(r => r.Form.GetValueOrDefault("client_reference_id") == owner.TenantId);
        Assert.Equal(customer, sent.Form["customer"]);
        Assert.False(sent.Form.ContainsKey("customer_email"));
    }

    [Fact]
    public async Task Checkout_UnknownPlan_400NamesThePlans()
    {
        var owner = await factory.CreateUserAsync(NewId("checkout"));
        var problem = await Json.PostAsync(owner.Client, "/api/billing/checkout", new { tier = "enterprise" }, 400);
        Assert.Equal("unknown_plan", problem["code"]!.GetValue<string>());
        Assert.Contains("paid, pro", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Checkout_StripeFailsTwice_RetriedWithTheSameIdempotencyKey()
    {
        var owner = await factory.CreateUserAsync(NewId("retry"));
        factory.Stripe.FailNext(2);
        await Json.PostAsync(owner.Client, "/api/billing/checkout", new { tier = "paid" }, 200);
        var attempts = factory.Stripe.To("/v1/checkout/sessions").Where(r => r.Form.GetValueOrDefault("client_reference_id") == owner.TenantId).ToList();
        Assert.Equal([500, 500, 200], attempts.Select(a => a.Status));
        Assert.Single(attempts.Select(a => a.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task Portal_BeforeSubscribing_409_AfterwardUrlForTheCustomer()
    {
        var fresh = await factory.CreateUserAsync(NewId("portal"));
        var problem = await Json.PostAsync(fresh.Client, "/api/billing/portal", new { }, 409);
        Assert.Equal("no_customer", problem["code"]!.GetValue<string>());

        var (owner, customer, _) = await SubscribedAsync();
        var answer = await Json.PostAsync(owner.Client, "/api/billing/portal", new { }, 200);
        Assert.StartsWith("https://billing.stripe.test/p/session/", answer["url"]!.GetValue<string>());
        var sent = factory.Stripe.To("/v1/billing_portal/sessions").Last();
        Assert.Equal(customer, sent.Form["customer"]);
        Assert.EndsWith("/settings/billing", sent.Form["return_url"]);
        Assert.StartsWith("portal-", sent.IdempotencyKey);
    }

    [Fact]
    public async Task Events_FreeToProToPastDueToFree()
    {
        var owner = await factory.CreateUserAsync(NewId("sequence"));
        Assert.Equal("free", await TierAsync(owner));
        var (customer, subscription) = (NewId("cus"), NewId("sub"));

        await DeliverOkAsync(Checkout(NewId("evt"), Created(), owner.TenantId, customer, subscription));
        await DeliverOkAsync(Subscription(NewId("evt"), "customer.subscription.created", Created(), customer, subscription, "active", BillingFactory.ProPrice));
        var billing = await BillingAsync(owner);
        Assert.Equal(("pro", "active"), (billing["tier"]!.GetValue<string>(), billing["status"]!.GetValue<string>()));
        Assert.NotNull(billing["currentPeriodEnd"]);
        Assert.Equal(["paid", "pro"], billing["plans"]!.AsArray().Select(p => p!["tier"]!.GetValue<string>()));

        // Payment fails: past due, the tier stays for the grace days.
        await DeliverOkAsync(Invoice(NewId("evt"), "invoice.payment_failed", Created(1), customer, subscription));
        billing = await BillingAsync(owner);
        Assert.Equal(("pro", "past_due"), (billing["tier"]!.GetValue<string>(), billing["status"]!.GetValue<string>()));
        Assert.NotNull(billing["graceEndsAt"]);

        var sweeper = factory.Services.GetRequiredService<BillingTiers>();
        factory.Time.Advance(TimeSpan.FromDays(6));
        await sweeper.SweepGraceAsync(default);
        Assert.Equal("pro", await TierAsync(owner));
        factory.Time.Advance(TimeSpan.FromDays(1.1));
        Assert.True(await sweeper.SweepGraceAsync(default) >= 1);
        Assert.Equal("free", await TierAsync(owner));

        // Paid at last: back to pro at once.
        await DeliverOkAsync(Invoice(NewId("evt"), "invoice.paid", Created(), customer, subscription));
        billing = await BillingAsync(owner);
        Assert.Equal(("pro", "active"), (billing["tier"]!.GetValue<string>(), billing["status"]!.GetValue<string>()));

        // Deleted: free.
        await DeliverOkAsync(Subscription(NewId("evt"), "customer.subscription.deleted", Created(1), customer, subscription, "canceled", BillingFactory.ProPrice));
        billing = await BillingAsync(owner);
        Assert.Equal(("free", "canceled"), (billing["tier"]!.GetValue<string>(), billing["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Events_UpgradeAndDowngradeByPrice()
    {
        var (owner, customer, subscription) = await SubscribedAsync("paid");
        Assert.Equal("paid", await TierAsync(owner));
        await DeliverOkAsync(Subscription(NewId("evt"), "customer.subscription.updated", Created(1), customer, subscription, "active", BillingFactory.ProPrice));
        Assert.Equal("pro", await TierAsync(owner));
        await DeliverOkAsync(Subscription(NewId("evt"), "customer.subscription.updated", Created(2), customer, subscription, "trialing", BillingFactory.PaidPrice, cancelAtPeriodEnd: true));
        var billing = await BillingAsync(owner);
        Assert.Equal(("paid", "trialing", true), (billing["tier"]!.GetValue<string>(), billing["status"]!.GetValue<string>(), billing["cancelAtPeriodEnd"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Events_BadSignatureStaleOrReplayed_RefusedOrIgnoredWithoutEffect()
    {
        var (owner, customer, subscription) = await SubscribedAsync();
        var deleted = Subscription(NewId("evt"), "customer.subscription.deleted", Created(5), customer, subscription, "canceled", BillingFactory.ProPrice);
        var client = factory.CreateClient();

        using (var wrong = await DeliverAsync(client, deleted, factory.Time.GetUtcNow(), "whsec_wrong"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Equal("invalid_signature", (await Json.ReadAsync(wrong))["code"]!.GetValue<string>());
        }
        using (var stale = await DeliverAsync(client, deleted, factory.Time.GetUtcNow().AddSeconds(-301)))
            Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        using (var unsigned = await client.PostAsync("/webhooks/stripe", Json.Body(deleted)))
            Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        Assert.Equal("pro", await TierAsync(owner));

        // A replay of an event id already processed changes nothing, even re-signed with another body.
        var id = NewId("evt");
        await DeliverOkAsync(Subscription(id, "customer.subscription.updated", Created(6), customer, subscription, "active", BillingFactory.ProPrice));
        await DeliverOkAsync(Subscription(id, "customer.subscription.deleted", Created(7), customer, subscription, "canceled", BillingFactory.ProPrice), "duplicate");
        Assert.Equal("pro", await TierAsync(owner));
    }

    [Fact]
    public async Task Events_OutOfOrder_EndInTheNewestState()
    {
        var (owner, customer, subscription) = await SubscribedAsync();
        // deleted (t+20) arrives before the updated (t+10) it followed: the late update does not revive the subscription.
        await DeliverOkAsync(Subscription(NewId("evt"), "customer.subscription.deleted", Created(20), customer, subscription, "canceled", BillingFactory.ProPrice));
        await DeliverOkAsync(Subscription(NewId("evt"), "customer.subscription.updated", Created(10), customer, subscription, "active", BillingFactory.ProPrice), "ignored");
        await DeliverOkAsync(Invoice(NewId("evt"), "invoice.paid", Created(11), customer, subscription), "ignored");
        var billing = await BillingAsync(owner);
        Assert.Equal(("free", "canceled"), (billing["tier"]!.GetValue<string>(), billing["status"]!.GetValue<string>()));

        // A subscription event before its checkout.session.completed still finds the tenant (metadata) and applies.
        var other = await factory.CreateUserAsync(NewId("early"));
        var (c2, s2) = (NewId("cus"), NewId("sub"));
        await DeliverOkAsync(Subscription(NewId("evt"), "customer.subscription.created", Created(), c2, s2, "active", BillingFactory.PaidPrice, other.TenantId));
        await DeliverOkAsync(Checkout(NewId("evt"), Created(-1), other.TenantId, c2, s2));
        Assert.Equal("paid", await TierAsync(other));
    }

    [Fact]
    public async Task Events_UnknownTenantOrCustomer_IgnoredNotRetried()
    {
        await DeliverOkAsync(Checkout(NewId("evt"), Created(), "no-such-tenant", NewId("cus"), NewId("sub")), "ignored");
        await DeliverOkAsync(Invoice(NewId("evt"), "invoice.payment_failed", Created(), NewId("cus"), NewId("sub")), "ignored");
        await DeliverOkAsync("""{"id":"evt_other","type":"customer.created","created":1,"data":{"object":{}}}""", "ignored");
    }

    [Fact]
    public async Task MeteredExecutions_ReportedOncePerPassWithIdempotencyKeys()
    {
        var (owner, customer, _) = await SubscribedAsync();
        var counter = factory.Services.GetRequiredService<Nextra.Modules.Tiers.IQuotaCounter>();
        var period = Nextra.Modules.Tiers.QuotaCounters.MonthOf(factory.Time.GetUtcNow());
        for (var i = 0; i < BillingFactory.ProIncluded + 3; i++)
            Assert.True(await counter.TryReserveAsync(owner.TenantId, Nextra.Modules.Tiers.QuotaCounters.Executions, period, null));
        var reporter = factory.Services.GetRequiredService<MeterReporter>();
        List<ScriptedStripe.Request> Events() => factory.Stripe.To("/v1/billing/meter_events").Where(r => r.Form["payload[stripe_customer_id]"] == customer).ToList();

        await reporter.ReportAsync(default);
        var first = Assert.Single(Events());
        Assert.Equal(("nextra_executions", "3"), (first.Form["event_name"], first.Form["payload[value]"]));
        Assert.Equal($"nextra-{owner.TenantId}-{period}-3", first.Form["identifier"]);
        Assert.Equal(first.Form["identifier"], first.IdempotencyKey);

        await reporter.ReportAsync(default); // nothing new: nothing sent
        Assert.Single(Events());

        Assert.True(await counter.TryReserveAsync(owner.TenantId, Nextra.Modules.Tiers.QuotaCounters.Executions, period, null));
        await reporter.ReportAsync(default);
        Assert.Equal(["3", "1"], Events().Select(e => e.Form["payload[value]"]));
    }

    [Fact]
    public async Task Usage_MetersAndHistory_PerTenantPerMonth()
    {
        var owner = await factory.CreateUserAsync(NewId("usage"));
        var other = await factory.CreateUserAsync(NewId("usage"));
        var meter = factory.Services.GetRequiredService<Nextra.Modules.Tiers.IUsageMeter>();
        var now = factory.Time.GetUtcNow();
        await meter.AddAsync(owner.TenantId, now, new(Runs: 1, Steps: 4, WasmFuel: 1000, LlmPromptTokens: 10, LlmCompletionTokens: 5, LlmCostMicros: 1_500));
        await meter.AddAsync(owner.TenantId, now, new(Runs: 1, Steps: 2, WebhookBytesIn: 300));
        await meter.AddAsync(owner.TenantId, now.AddMonths(-1), new(Runs: 7));
        await meter.AddAsync(other.TenantId, now, new(Runs: 100));

        var usage = await Json.ReadAsync(await owner.Client.GetAsync("/api/usage"));
        var meters = usage["meters"]!;
        Assert.Equal((2L, 6L, 1000L, 10L, 5L, 0.0015m, 300L), (meters["runs"]!.GetValue<long>(), meters["steps"]!.GetValue<long>(),
            meters["wasmFuel"]!.GetValue<long>(), meters["llmPromptTokens"]!.GetValue<long>(), meters["llmCompletionTokens"]!.GetValue<long>(),
            meters["llmCostUsd"]!.GetValue<decimal>(), meters["webhookBytesIn"]!.GetValue<long>()));

        var history = (await Json.ReadAsync(await owner.Client.GetAsync("/api/usage/history?months=3"))).AsArray();
        Assert.Equal(3, history.Count);
        Assert.Equal([2L, 7L, 0L], history.Select(m => m!["runs"]!.GetValue<long>()));
        Assert.Equal(Nextra.Modules.Tiers.QuotaCounters.MonthOf(now), history[0]!["period"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(Role.Admin)]
    [InlineData(Role.Editor)]
    [InlineData(Role.Viewer)]
    public async Task Billing_NotOwner_403(Role role)
    {
        var tenant = NewId("roles");
        var owner = await factory.CreateUserAsync(tenant);
        await factory.Services.GetRequiredService<Nextra.Modules.Tiers.TierService>().SetTierAsync(owner.TenantId, "enterprise", default); // room for members
        var member = await factory.CreateUserAsync(tenant, role);
        Assert.Equal(owner.TenantId, member.TenantId);
        using var get = await member.Client.GetAsync("/api/billing");
        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        using var checkout = await member.Client.PostAsJsonAsync("/api/billing/checkout", new { tier = "pro" });
        Assert.Equal(HttpStatusCode.Forbidden, checkout.StatusCode);
        using var portal = await member.Client.PostAsJsonAsync("/api/billing/portal", new { });
        Assert.Equal(HttpStatusCode.Forbidden, portal.StatusCode);
    }
}

/// <summary>Billing off (the default): the API says so, the webhook does not exist.</summary>
public sealed class BillingOffTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    [Fact]
    public async Task ProviderNone_BillingSaysOff_CheckoutRefused_WebhookNotFound()
    {
        var owner = await factory.CreateUserAsync("billing-off-" + Guid.NewGuid().ToString("N"));
        var billing = await Json.ReadAsync(await owner.Client.GetAsync("/api/billing"));
        Assert.Equal(("none", "none"), (billing["provider"]!.GetValue<string>(), billing["status"]!.GetValue<string>()));
        Assert.Empty(billing["plans"]!.AsArray());
        var problem = await Json.PostAsync(owner.Client, "/api/billing/checkout", new { tier = "pro" }, 409);
        Assert.Equal("billing_off", problem["code"]!.GetValue<string>());
        using var webhook = await StripeEventsBuilder.DeliverAsync(factory.CreateClient(), "{}", DateTimeOffset.FromUnixTimeSeconds(0));
        Assert.Equal(HttpStatusCode.NotFound, webhook.StatusCode);
    }
}
