using System.Text.Json;

namespace Nextra.Modules.Billing;

/// <summary>
/// Reading Stripe event objects with <see cref="JsonElement"/> (AOT-safe, no reflection): only the few fields billing
/// uses, tolerant of the API versions that moved them (<c>current_period_end</c> onto subscription items, an
/// invoice's subscription under <c>parent.subscription_details</c>).
/// </summary>
internal static class StripeEvents
{
    public static string? Str(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long? Long(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    public static bool Bool(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static JsonElement Obj(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    /// <summary>An id field that Stripe sends either as a string or, expanded, as an object with <c>id</c>.</summary>
    public static string? Id(this JsonElement e, string name)
    {
        var v = e.Obj(name);
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object => v.Str("id"),
            _ => null,
        };
    }

    /// <summary>The price ids of a subscription's items, in order.</summary>
    public static IEnumerable<string> PriceIds(JsonElement subscription)
    {
        var data = subscription.Obj("items").Obj("data");
        if (data.ValueKind != JsonValueKind.Array) yield break;
        foreach (var item in data.EnumerateArray())
        {
            if (item.Id("price") is { } price) yield return price;
            else if (item.Obj("plan").Str("id") is { } plan) yield return plan;
        }
    }

    /// <summary><c>current_period_end</c> of the subscription, or of its first item (API 2025-03-31 and later).</summary>
    public static long? PeriodEnd(JsonElement subscription)
    {
        if (subscription.Long("current_period_end") is { } end) return end;
        var data = subscription.Obj("items").Obj("data");
        return data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0 ? data[0].Long("current_period_end") : null;
    }

    /// <summary>An invoice's subscription id (top level before API 2025-03-31, under <c>parent.subscription_details</c> after).</summary>
    public static string? InvoiceSubscription(JsonElement invoice) =>
        invoice.Id("subscription") ?? invoice.Obj("parent").Obj("subscription_details").Id("subscription");
}
