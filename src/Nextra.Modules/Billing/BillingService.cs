using Nextra.Modules.Billing.Stripe;
using Nextra.Modules.Common;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Billing;

/// <summary>What the owner sees and starts: the billing view, Stripe Checkout for a plan, the Stripe customer portal.</summary>
internal sealed class BillingService(IBillingStore store, BillingOptions options, BillingTiers billingTiers, ITierLimits tiers, StripeClient stripe)
{
    public async Task<BillingResponse> GetAsync(string tenantId, CancellationToken ct)
    {
        var tier = await tiers.ForTenantAsync(tenantId, ct).ConfigureAwait(false);
        var account = options.Enabled ? await store.GetAsync(tenantId, ct).ConfigureAwait(false) : null;
        var plans = options.Enabled
            ? options.Plans.Values.OrderBy(p => Rank(p.Tier)).ThenBy(p => p.Tier, StringComparer.Ordinal)
                .Select(p => new BillingPlanResponse(p.Tier, p.Price, p.MeteredPrice is not null, Limits(tiers.Options.Find(p.Tier))))
                .ToList()
            : [];
        return new BillingResponse(options.Provider, tier.Name, account?.Status ?? BillingStatuses.None, account?.CurrentPeriodEnd,
            account?.CancelAtPeriodEnd ?? false, plans, account?.PlanTier, account is null ? null : billingTiers.GraceEndsAt(account),
            account?.CustomerId is not null);
    }

    public async Task<BillingUrlResponse> CheckoutAsync(string tenantId, string email, string? tier, string origin, CancellationToken ct)
    {
        EnsureEnabled();
        var name = tier?.Trim().ToLowerInvariant() ?? "";
        if (!options.Plans.TryGetValue(name, out var plan))
        {
            throw ApiException.BadRequest("unknown_plan",
                $"There is no plan for tier '{tier}'. Plans: {string.Join(", ", options.Plans.Keys.Order(StringComparer.Ordinal))}.");
        }
        var account = await store.GetAsync(tenantId, ct).ConfigureAwait(false);
        if (account is { SubscriptionId: not null, Status: BillingStatuses.Active or BillingStatuses.Trialing or BillingStatuses.PastDue })
        {
            throw new ApiException(409, "subscription_active", "Subscription already active",
                $"This tenant already has a {account.PlanTier ?? "paid"} subscription; change its plan with Manage billing (POST /api/billing/portal), which keeps one subscription.");
        }
        var form = new List<KeyValuePair<string, string>>
        {
            new("mode", "subscription"),
            new("client_reference_id", tenantId),
            new("line_items[0][price]", plan.Price),
            new("line_items[0][quantity]", "1"),
            new("success_url", options.SuccessUrl ?? origin + "/settings/billing?checkout=success"),
            new("cancel_url", options.CancelUrl ?? origin + "/settings/billing?checkout=canceled"),
            new("metadata[tenant_id]", tenantId),
            // On the subscription too, so its events name the tenant even when they arrive before checkout.session.completed.
            new("subscription_data[metadata][tenant_id]", tenantId),
        };
        if (plan.MeteredPrice is not null) form.Add(new("line_items[1][price]", plan.MeteredPrice)); // metered: no quantity
        if (account?.CustomerId is { } customer) form.Add(new("customer", customer));
        else if (!string.IsNullOrEmpty(email)) form.Add(new("customer_email", email));
        var session = await stripe.CreateCheckoutSessionAsync(form, "checkout-" + Guid.NewGuid().ToString("N"), ct).ConfigureAwait(false);
        return new BillingUrlResponse(session.Url ?? throw new ApiException(502, "stripe_error", "Stripe refused the request", "Stripe returned no Checkout URL."));
    }

    public async Task<BillingUrlResponse> PortalAsync(string tenantId, string origin, CancellationToken ct)
    {
        EnsureEnabled();
        var account = await store.GetAsync(tenantId, ct).ConfigureAwait(false);
        if (account?.CustomerId is not { } customer)
            throw new ApiException(409, "no_customer", "No Stripe customer yet", "Subscribe to a plan first (POST /api/billing/checkout); the portal manages an existing subscription.");
        var session = await stripe.CreatePortalSessionAsync(customer, origin + "/settings/billing", "portal-" + Guid.NewGuid().ToString("N"), ct).ConfigureAwait(false);
        return new BillingUrlResponse(session.Url ?? throw new ApiException(502, "stripe_error", "Stripe refused the request", "Stripe returned no portal URL."));
    }

    private void EnsureEnabled()
    {
        if (!options.Enabled)
            throw new ApiException(409, "billing_off", "Billing is off", "This server does not bill: [billing] provider is \"none\". Usage is still shown on GET /api/usage.");
    }

    private static BillingPlanLimits Limits(TierLimits? t) =>
        t is null ? new(null, null, null, null, null, false) : new(t.Flows, t.ExecutionsPerMonth, t.WasmModules, t.ProjectMemoryMb, t.TeamMembers, t.KeepAlive);

    private static int Rank(string tier) => Array.IndexOf([TiersOptions.Free, TiersOptions.Paid, TiersOptions.Pro, TiersOptions.Enterprise], tier) is var i and >= 0 ? i : 99;

}
