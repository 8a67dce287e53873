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
        app.MapGet("/api/flows/{id}/logs", LogsAsync).WithTags("Running")
            .WithName("FlowLogs").WithSummary("Recent log lines; with Accept: text/event-stream, a live stream.")
            .Produces<IReadOnlyList<LogLine>>();
        app.MapHub<EventsHub>("/hubs/events");
    }

    internal static IResult WriteMetrics(HttpContext http, Metrics metrics, IOptions<MetricsOptions> options)
    {
        if (options.Value.Token is { Length: > 0 } token && !BearerMatches(http.Request.Headers.Authorization.ToString(), token))
            return TypedResults.Text("unauthorized\n", "text/plain", statusCode: StatusCodes.Status401Unauthorized);
        var text = new StringBuilder(8192);
        metrics.WriteTo(text);
        return TypedResults.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }

    /// <summary>Constant-time comparison of <c>Bearer TOKEN</c> with the configured token.</summary>
    internal static bool BearerMatches(string header, string token)
    {
        const string Prefix = "Bearer ";
        var sent = header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? header[Prefix.Length..].Trim() : "";
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(token));
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
        response.Headers.CacheControl = "no-cache";
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
