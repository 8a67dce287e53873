using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;

namespace Nextra.Modules.Sla;

/// <summary><c>GET /api/sla</c> for every member of the tenant.</summary>
internal static class SlaEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sla", ReportAsync).WithTags("SLA").WithName("GetSla")
            .WithSummary("Success rate, runs, p50/p95/p99 duration, error codes, uptime and alerts, per flow and for the tenant; ?window=1h|24h|7d|30d.");
    }

    internal static async Task<Ok<SlaReport>> ReportAsync(string? window, ICurrentUser user, SlaService sla, CancellationToken ct)
    {
        window ??= "24h";
        if (!SlaService.Windows.ContainsKey(window)) throw ApiException.BadRequest(ErrorCodes.BadRequest, "window must be 1h, 24h, 7d or 30d");
        return TypedResults.Ok(await sla.ReportAsync(user.TenantId, window, ct).ConfigureAwait(false));
    }
}
