using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Nextra.Modules.Billing;

/// <summary>
/// <c>[billing]</c>: off (<c>provider = "none"</c>) for a self-hoster, Stripe for a hosted operator. Bound by hand
/// (<see cref="From"/>) like the tiers: the reflection binder is not AOT-safe, and the plan tables are keyed by tier.
/// </summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";
    public const string None = "none";
    public const string Stripe = "stripe";

    /// <summary><c>provider</c>: <c>none</c> or <c>stripe</c>.</summary>
    public string Provider { get; set; } = None;

    /// <summary><c>stripe_secret_key</c>: the secret API key (sk_live_…/sk_test_… or a restricted key).</summary>
    public string StripeSecretKey { get; set; } = "";

    /// <summary><c>stripe_webhook_secret</c>: the webhook endpoint's signing secret (whsec_…).</summary>
    public string StripeWebhookSecret { get; set; } = "";

    /// <summary><c>stripe_api_base</c>: Stripe's API; tests point it at a scripted server on loopback.</summary>
    public string StripeApiBase { get; set; } = "https://api.stripe.com";

    /// <summary><c>success_url</c> / <c>cancel_url</c>: where Checkout sends the customer back (null: the UI's billing page).</summary>
    public string? SuccessUrl { get; set; }

    public string? CancelUrl { get; set; }

    /// <summary><c>grace_days</c>: how long a past-due subscription keeps its tier before the tenant drops to <see cref="FreeTier"/>.</summary>
    public double GraceDays { get; set; } = 7;

    /// <summary><c>free_tier</c>: the tier of a tenant without a paying subscription.</summary>
    public string FreeTier { get; set; } = "free";

    /// <summary><c>meter_event_name</c>: the Stripe meter's event name for executions above the included ones.</summary>
    public string MeterEventName { get; set; } = "nextra_executions";

    /// <summary><c>webhook_tolerance_seconds</c>: how old a signed webhook may be (Stripe's default, 300 s).</summary>
    public double WebhookToleranceSeconds { get; set; } = 300;

    /// <summary><c>[billing.plans.TIER]</c>, keyed by lower-case tier name.</summary>
    public Dictionary<string, BillingPlan> Plans { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Enabled => Provider == Stripe;

    /// <summary>The plan whose <c>price</c> (or <c>metered_price</c>) is <paramref name="priceId"/>, or null.</summary>
    public BillingPlan? PlanForPrice(string? priceId) =>
        priceId is null ? null : Plans.Values.FirstOrDefault(p => p.Price == priceId) ?? Plans.Values.FirstOrDefault(p => p.MeteredPrice == priceId);

    /// <summary>Reads <c>Billing</c>; throws naming the key on an unknown key or a bad value, so a typo stops the server at start.</summary>
    public static BillingOptions From(IConfiguration configuration)
    {
        var o = new BillingOptions();
        foreach (var child in configuration.GetSection(Section).GetChildren())
        {
            var value = child.Value?.Trim() ?? "";
            switch (child.Key.ToLowerInvariant())
            {
                case "provider": o.Provider = value.ToLowerInvariant(); break;
                case "stripesecretkey": o.StripeSecretKey = value; break;
                case "stripewebhooksecret": o.StripeWebhookSecret = value; break;
                case "stripeapibase": o.StripeApiBase = value.TrimEnd('/'); break;
                case "successurl": o.SuccessUrl = value.Length == 0 ? null : value; break;
                case "cancelurl": o.CancelUrl = value.Length == 0 ? null : value; break;
                case "gracedays": o.GraceDays = Number(child); break;
                case "freetier": o.FreeTier = value.ToLowerInvariant(); break;
                case "metereventname": o.MeterEventName = value; break;
                case "webhooktoleranceseconds": o.WebhookToleranceSeconds = Number(child); break;
                case "plans":
                    foreach (var plan in child.GetChildren()) o.Plans[plan.Key.ToLowerInvariant()] = Plan(plan);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown setting {child.Path}. Billing keys: provider, stripe_secret_key, stripe_webhook_secret, " +
                        "stripe_api_base, success_url, cancel_url, grace_days, free_tier, meter_event_name, webhook_tolerance_seconds, [billing.plans.TIER].");
            }
        }
        if (o.Provider is not (None or Stripe))
            throw new InvalidOperationException($"Billing:Provider = '{o.Provider}' is not valid: expected \"none\" or \"stripe\".");
        if (o.Enabled)
        {
            if (o.StripeSecretKey.Length == 0) throw new InvalidOperationException("Billing:StripeSecretKey is required with provider = \"stripe\" (the sk_… key).");
            if (o.StripeWebhookSecret.Length == 0)
                throw new InvalidOperationException("Billing:StripeWebhookSecret is required with provider = \"stripe\" (the whsec_… signing secret of the webhook endpoint).");
            if (!Uri.TryCreate(o.StripeApiBase, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && !api.IsLoopback))
                throw new InvalidOperationException($"Billing:StripeApiBase = '{o.StripeApiBase}' must be an https URL (http only on loopback, for tests).");
        }
        return o;
    }

    private static BillingPlan Plan(IConfigurationSection table)
    {
        string? price = null, metered = null;
        foreach (var entry in table.GetChildren())
        {
            switch (entry.Key.ToLowerInvariant())
            {
                case "price": price = entry.Value?.Trim(); break;
                case "meteredprice": metered = entry.Value?.Trim(); break;
                default: throw new InvalidOperationException($"Unknown setting {entry.Path}. Plan keys: price, metered_price.");
            }
        }
        if (string.IsNullOrEmpty(price)) throw new InvalidOperationException($"{table.Path}:Price is required (the Stripe price id, price_…).");
        return new BillingPlan(table.Key.ToLowerInvariant(), price, string.IsNullOrEmpty(metered) ? null : metered);
    }

    private static double Number(IConfigurationSection entry) =>
        double.TryParse(entry.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && double.IsFinite(v)
            ? v
            : throw new InvalidOperationException($"{entry.Path} = '{entry.Value}' is not valid: expected a number of 0 or more.");
}

/// <summary>One <c>[billing.plans.TIER]</c>: the Stripe price of the tier, and optionally the metered price for executions above the included ones.</summary>
public sealed record BillingPlan(string Tier, string Price, string? MeteredPrice);
