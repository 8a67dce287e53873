using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nextra.Modules.Billing.Stripe;

namespace Nextra.Host.Tests.Billing;

/// <summary>Stripe events as Stripe sends them (the fields billing reads), and their signed delivery to the host.</summary>
internal static class StripeEventsBuilder
{
    private static string Event(string id, string type, long created, JsonObject obj) => new JsonObject
    {
        ["id"] = id, ["object"] = "event", ["type"] = type, ["created"] = created, ["livemode"] = false, ["data"] = new JsonObject { ["object"] = obj },
    }.ToJsonString();

    public static string Checkout(string id, long created, string tenant, string customer, string subscription) =>
        Event(id, "checkout.session.completed", created, new JsonObject
        {
            ["id"] = "cs_" + id, ["object"] = "checkout.session", ["mode"] = "subscription", ["client_reference_id"] = tenant,
            ["customer"] = customer, ["subscription"] = subscription, ["payment_status"] = "paid", ["status"] = "complete",
        });

    public static string Subscription(string id, string type, long created, string customer, string subscription, string status, string price,
        string? tenant = null, bool cancelAtPeriodEnd = false) =>
        Event(id, type, created, new JsonObject
        {
            ["id"] = subscription, ["object"] = "subscription", ["customer"] = customer, ["status"] = status, ["cancel_at_period_end"] = cancelAtPeriodEnd,
            ["metadata"] = tenant is null ? new JsonObject() : new JsonObject { ["tenant_id"] = tenant },
            ["items"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = "si_" + id, ["price"] = new JsonObject { ["id"] = price, ["object"] = "price" }, ["current_period_end"] = created + 30 * 86400,
                }),
            },
        });

    public static string Invoice(string id, string type, long created, string customer, string subscription) =>
        Event(id, type, created, new JsonObject
        {
            ["id"] = "in_" + id, ["object"] = "invoice", ["customer"] = customer,
            ["parent"] = new JsonObject
            {
                ["type"] = "subscription_details", ["subscription_details"] = new JsonObject { ["subscription"] = subscription },
            },
        });

    /// <summary>Posts <paramref name="json"/> to /webhooks/stripe signed at <paramref name="signedAt"/> with <paramref name="secret"/>.</summary>
    public static async Task<HttpResponseMessage> DeliverAsync(HttpClient client, string json, DateTimeOffset signedAt, string secret = BillingFactory.WebhookSecret)
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeSignature.Header(signedAt.ToUnixTimeSeconds(), body, secret));
        return await client.SendAsync(request);
    }

    public static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
