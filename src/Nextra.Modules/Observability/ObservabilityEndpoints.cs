using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Runs;

namespace Nextra.Modules.Observability;

/// <summary><c>/metrics</c> (Prometheus text), a flow's logs (recent lines or server-sent events), and the events hub.</summary>
internal static class ObservabilityEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", WriteMetrics).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/api/flows/{id}/logs", LogsAsync).RequireAuthorization(AuthPolicies.Reader).WithTags("Running")
            .WithName("FlowLogs").WithSummary("Recent log lines; with Accept: text/event-stream, a live stream.");
        app.MapHub<EventsHub>("/hubs/events");
    }

    internal static async Task<IResult> WriteMetrics(HttpContext http, Metrics metrics, IOptions<MetricsOptions> options)
    {
        if (options.Value.Token is { Length: > 0 } token && !BearerMatches(http.Request.Headers.Authorization.ToString(), token))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
            await ProblemResponses.WriteAsync(http, 401, ErrorCodes.Unauthorized, "Unauthorized", "Send Authorization: Bearer with the [metrics] token.")
                .ConfigureAwait(false);
            return TypedResults.Empty;
        }
        var text = new StringBuilder(8192);
        metrics.WriteTo(text);
        return TypedResults.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }

    private static bool BearerMatches(string authorization, string token)
    {
        const string Prefix = "Bearer ";
        if (!authorization.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return false;
        // Constant time: the comparison must not tell a prober how much of the token it guessed.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[Prefix.Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }

    /// <summary>Lines the logs API shows before following live ones.</summary>
    internal const int RecentLines = 200;

    internal static async Task<IResult> LogsAsync(string id, HttpContext http, ICurrentUser user, IFlowCatalog catalog, ITraceStore traces,
        LogStreams streams, CancellationToken ct)
    {
        _ = await catalog.GetAsync(user.TenantId, id, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        if (!http.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
            return TypedResults.Ok(await traces.RecentLogsAsync(user.TenantId, id, RecentLines, ct).ConfigureAwait(false));

        // Subscribe before reading the stored lines, so no line falls between the two (one may show twice).
        using var subscription = streams.Subscribe(user.TenantId, id);
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        foreach (var line in await traces.RecentLogsAsync(user.TenantId, id, RecentLines, ct).ConfigureAwait(false))
            await WriteEventAsync(response, line, ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
        try
        {
            await foreach (var line in subscription.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await WriteEventAsync(response, line, ct).ConfigureAwait(false);
                await response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
        return TypedResults.Empty;
    }

    private static Task WriteEventAsync(HttpResponse response, LogLine line, CancellationToken ct) =>
        response.WriteAsync($"event: log\ndata: {JsonSerializer.Serialize(line, ObservabilityJsonContext.Default.LogLine)}\n\n", ct);
}
