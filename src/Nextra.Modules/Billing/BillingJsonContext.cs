using System.Text.Json;
using System.Text.Json.Serialization;
using Nextra.Modules.Billing.Stripe;

namespace Nextra.Modules.Billing;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BillingResponse))]
[JsonSerializable(typeof(CheckoutRequest))]
[JsonSerializable(typeof(BillingUrlResponse))]
[JsonSerializable(typeof(StripeWebhookResponse))]
internal sealed partial class BillingJsonContext : JsonSerializerContext;

/// <summary>Stripe's answers (snake_case on the wire; only one-word fields are read).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StripeObject))]
[JsonSerializable(typeof(StripeErrorBody))]
internal sealed partial class StripeJsonContext : JsonSerializerContext;
