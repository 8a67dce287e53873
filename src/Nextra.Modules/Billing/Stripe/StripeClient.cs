using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Common;

namespace Nextra.Modules.Billing.Stripe;

/// <summary>
/// The few Stripe REST calls billing makes, over <see cref="HttpClient"/> with form bodies and source-generated JSON
/// (Stripe.net is reflection-based and not Native AOT clean). Every POST carries an <c>Idempotency-Key</c>, reused
/// across retries, so a retry after a lost answer never creates a second object; 429 and 5xx are retried with backoff.
/// </summary>
internal sealed class StripeClient(HttpClient http, BillingOptions options, TimeProvider time, ILogger<StripeClient> logger)
{
    private const int Attempts = 4;

    /// <summary>A Checkout Session in subscription mode; returns its id and url.</summary>
    public Task<StripeObject> CreateCheckoutSessionAsync(IEnumerable<KeyValuePair<string, string>> form, string idempotencyKey, CancellationToken ct) =>
        PostAsync("/v1/checkout/sessions", form, idempotencyKey, ct);

    /// <summary>A customer portal session; returns its url.</summary>
    public Task<StripeObject> CreatePortalSessionAsync(string customerId, string returnUrl, string idempotencyKey, CancellationToken ct) =>
        PostAsync("/v1/billing_portal/sessions", [new("customer", customerId), new("return_url", returnUrl)], idempotencyKey, ct);

    /// <summary>A billing meter event (usage above the included executions); <paramref name="identifier"/> makes it idempotent on Stripe's side too.</summary>
    public Task<StripeObject> CreateMeterEventAsync(string customerId, long value, string identifier, DateTimeOffset at, CancellationToken ct) =>
        PostAsync("/v1/billing/meter_events",
        [
            new("event_name", options.MeterEventName), new("payload[stripe_customer_id]", customerId),
            new("payload[value]", value.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("identifier", identifier),
            new("timestamp", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], identifier, ct);

    private async Task<StripeObject> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> form, string idempotencyKey, CancellationToken ct)
    {
        var fields = form.ToList();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, options.StripeApiBase + path) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.StripeSecretKey);
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            HttpResponseMessage? response = null;
            try
            {
                response = await http.SendAsync(request, ct).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    return JsonSerializer.Deserialize(body, StripeJsonContext.Default.StripeObject) ?? throw Failed("an empty answer");
                var retry = response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
                if (!retry || attempt == Attempts) throw Failed(ErrorMessage(body) ?? $"HTTP {(int)response.StatusCode}");
                logger.LogWarning("Stripe answered {Status} to POST {Path}; retrying ({Attempt}/{Attempts})", (int)response.StatusCode, path, attempt, Attempts);
            }
            catch (HttpRequestException ex) when (attempt < Attempts)
            {
                logger.LogWarning(ex, "POST {Path} to Stripe failed; retrying ({Attempt}/{Attempts})", path, attempt, Attempts);
            }
            catch (HttpRequestException ex)
            {
                throw Failed(ex.Message);
            }
            finally
            {
                response?.Dispose();
            }
            var delay = TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt - 1));
            await Task.Delay(delay, time, ct).ConfigureAwait(false);
        }
    }

    private static string? ErrorMessage(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, StripeJsonContext.Default.StripeErrorBody)?.Error?.Message;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ApiException Failed(string why) =>
        new(502, "stripe_error", "Stripe refused the request", $"Stripe: {why}. Check [billing] stripe_secret_key and the plan prices, then try again.");
}

/// <summary>The fields billing reads from Stripe's answers.</summary>
internal sealed record StripeObject(string? Id, string? Url);

internal sealed record StripeErrorBody(StripeError? Error);

internal sealed record StripeError(string? Message, string? Type);
