namespace Nextra.Modules.Billing;

/// <summary>
/// <c>GET /api/billing</c>: the provider (<c>none</c> or <c>stripe</c>), the tenant's tier now, its subscription status
/// (<c>none|active|trialing|past_due|canceled</c>), and the plans on sale. <c>graceEndsAt</c> is when a past-due tenant
/// drops to the free tier; <c>planTier</c> is the subscribed plan's tier (which may differ from <c>tier</c> after the grace).
/// </summary>
public sealed record BillingResponse(
    string Provider,
    string Tier,
    string Status,
    DateTimeOffset? CurrentPeriodEnd,
    bool CancelAtPeriodEnd,
    IReadOnlyList<BillingPlanResponse> Plans,
    string? PlanTier,
    DateTimeOffset? GraceEndsAt,
    bool HasCustomer);

/// <summary>One plan: its tier, Stripe price, whether executions above the included ones are billed, and the tier's limits (null = unlimited).</summary>
public sealed record BillingPlanResponse(string Tier, string Price, bool Metered, BillingPlanLimits Limits);

public sealed record BillingPlanLimits(long? Flows, long? ExecutionsPerMonth, long? WasmModules, long? ProjectMemoryMb, long? TeamMembers, bool KeepAlive);

/// <summary><c>POST /api/billing/checkout</c>: the tier to subscribe to.</summary>
public sealed record CheckoutRequest(string? Tier);

/// <summary>Where to send the browser (Stripe Checkout or the customer portal).</summary>
public sealed record BillingUrlResponse(string Url);

/// <summary><c>POST /webhooks/stripe</c>: <c>outcome</c> is <c>applied</c>, <c>duplicate</c> (this event id was processed before) or <c>ignored</c>.</summary>
public sealed record StripeWebhookResponse(bool Received, string Outcome);
