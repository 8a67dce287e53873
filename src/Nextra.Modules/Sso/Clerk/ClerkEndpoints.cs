using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Sso.Stores;

namespace Nextra.Modules.Sso.Clerk;

/// <summary>
/// <c>POST /webhooks/clerk</c>: Clerk's user sync, signed with Svix's scheme. The signature is checked over the raw body
/// before anything parses it; every authentication failure gets the same 401; each <c>svix-id</c> is applied once
/// (a redelivery answers 200 <c>duplicate</c>); an event that cannot be applied yet answers 409 so Svix retries it.
/// </summary>
internal static class ClerkEndpoints
{
    private const int MaxBodyBytes = 512 * 1024;
    private static readonly TimeSpan RememberIdsFor = TimeSpan.FromDays(7);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/clerk", ReceiveAsync).AllowAnonymous().WithTags("Single sign-on").WithName("ClerkWebhook")
            .WithSummary("Clerk's user-sync webhook (Svix-signed): users, organizations and memberships.");

    internal static async Task<Results<Ok<ClerkWebhookResponse>, ProblemHttpResult>> ReceiveAsync(HttpContext http, IOptions<ClerkOptions> options,
        ClerkSync sync, ISsoStore store, TimeProvider time, ILogger<ClerkSync> log, CancellationToken ct)
    {
        var secret = options.Value.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "Clerk sync is off: set [clerk] webhook_secret.",
                extensions: new Dictionary<string, object?> { ["code"] = "not_found" });
        }
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return TypedResults.Problem(statusCode: 413, title: "Payload too large", detail: $"A Clerk event is at most {MaxBodyBytes} bytes.",
                        extensions: new Dictionary<string, object?> { ["code"] = "payload_too_large" });
                }
                buffer.Write(chunk, 0, read);
            }
            body = buffer.ToArray();
        }
        var headers = http.Request.Headers;
        var id = headers["svix-id"].ToString();
        var refusal = SvixSignature.Check(secret, id, headers["svix-timestamp"].ToString(), headers["svix-signature"].ToString(), body,
            time.GetUtcNow(), TimeSpan.FromSeconds(Math.Max(1, options.Value.ToleranceSeconds)));
        if (refusal is not null)
        {
            log.LogWarning("Clerk webhook refused: {Reason}", refusal);
            return TypedResults.Problem(statusCode: 401, title: "Invalid signature",
                detail: "The svix-signature does not verify with [clerk] webhook_secret, or svix-timestamp is too old.",
                extensions: new Dictionary<string, object?> { ["code"] = "invalid_signature" });
        }
        if (!await store.TryUseOnceAsync("svix", id, time.GetUtcNow() + RememberIdsFor, ct))
        {
            return TypedResults.Ok(new ClerkWebhookResponse("duplicate", null));
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            var outcome = await sync.ApplyAsync(doc.RootElement, ct);
            log.LogInformation("Clerk event {SvixId}: {Result} {Detail}", id, outcome.What, outcome.Detail);
            return TypedResults.Ok(new ClerkWebhookResponse(outcome.What, outcome.Detail));
        }
        catch (JsonException ex)
        {
            return TypedResults.Problem(statusCode: 400, title: "Malformed event", detail: "The event is not the JSON Clerk sends: " + ex.Message,
                extensions: new Dictionary<string, object?> { ["code"] = "malformed_json" });
        }
        catch (ClerkRetryLater ex)
        {
            await store.ReleaseOnceAsync("svix", id, CancellationToken.None); // Svix's retry must be applied, not skipped
            return TypedResults.Problem(statusCode: 409, title: "Not applied yet", detail: ex.Message,
                extensions: new Dictionary<string, object?> { ["code"] = "conflict" });
        }
        catch
        {
            await store.ReleaseOnceAsync("svix", id, CancellationToken.None);
            throw;
        }
    }
}

/// <summary>What the webhook did with the event.</summary>
public sealed record ClerkWebhookResponse(string Result, string? Detail);
