using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Billing.Stripe;
using Nextra.Modules.Common;

namespace Nextra.Modules.Billing;

/// <summary><c>/api/billing</c> (owner) and the Stripe webhook (anonymous; its signature is the authentication).</summary>
internal static class BillingEndpoints
{
    /// <summary>Stripe events are small; a body above this is refused before it is read whole.</summary>
    private const int MaxEventBytes = 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/billing").RequireAuthorization(AuthPolicies.Owner).WithTags("Billing");
        group.MapGet("", GetAsync).WithName("GetBilling").WithSummary("The tenant's plan, subscription status and the plans on sale.");
        group.MapPost("/checkout", CheckoutAsync).WithName("BillingCheckout").WithSummary("A Stripe Checkout URL to subscribe to the plan of {tier}.");
        group.MapPost("/portal", PortalAsync).WithName("BillingPortal").WithSummary("A Stripe customer portal URL (change plan, card, invoices, cancel).");
        app.MapPost("/webhooks/stripe", WebhookAsync).AllowAnonymous().WithTags("Billing")
            .WithName("StripeWebhook").WithSummary("Stripe events, verified by their Stripe-Signature before they are read.");
    }

    internal static async Task<Ok<BillingResponse>> GetAsync(ICurrentUser user, BillingService billing, CancellationToken ct) =>
        TypedResults.Ok(await billing.GetAsync(user.TenantId, ct));

    internal static async Task<Ok<BillingUrlResponse>> CheckoutAsync(CheckoutRequest? body, ICurrentUser user, BillingService billing, HttpContext http,
        CancellationToken ct) =>
        TypedResults.Ok(await billing.CheckoutAsync(user.TenantId, user.Email, body?.Tier, Origin(http), ct));

    internal static async Task<Ok<BillingUrlResponse>> PortalAsync(ICurrentUser user, BillingService billing, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await billing.PortalAsync(user.TenantId, Origin(http), ct));

    internal static async Task<Ok<StripeWebhookResponse>> WebhookAsync(HttpContext http, BillingOptions options, BillingEventHandler handler,
        TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        if (!options.Enabled) throw ApiException.NotFound("Webhook");
        if (http.Request.ContentLength > MaxEventBytes)
            throw new ApiException(413, ErrorCodes.PayloadTooLarge, "Payload too large", $"A Stripe event is at most {MaxEventBytes} bytes.");
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxEventBytes)
            throw new ApiException(413, ErrorCodes.PayloadTooLarge, "Payload too large", $"A Stripe event is at most {MaxEventBytes} bytes.");
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        // Verified on the raw bytes, before anything reads them as JSON.
        var verdict = StripeSignature.Verify(http.Request.Headers["Stripe-Signature"].ToString(), body.Span, options.StripeWebhookSecret, time.GetUtcNow(),
            TimeSpan.FromSeconds(options.WebhookToleranceSeconds));
        if (verdict != StripeSignature.Verdict.Valid)
        {
            loggers.CreateLogger("Nextra.Billing.Webhook").LogWarning("Stripe webhook refused: signature {Verdict}", verdict);
            // One answer whatever was wrong: nothing to learn from probing.
            throw new ApiException(400, "invalid_signature", "Invalid signature",
                "The Stripe-Signature header is missing, does not match the body with [billing] stripe_webhook_secret, or is older than the tolerance.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new ApiException(400, ErrorCodes.MalformedJson, "Malformed JSON", "The signed body is not a JSON Stripe event.");
        }
        using (document)
        {
            var outcome = await handler.HandleAsync(document.RootElement, ct);
            return TypedResults.Ok(new StripeWebhookResponse(true, outcome switch
            {
                BillingEventHandler.Outcome.Applied => "applied",
                BillingEventHandler.Outcome.Duplicate => "duplicate",
                _ => "ignored",
            }));
        }
    }

    private static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";
}
