using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;

namespace Nextra.Modules.Runs;

/// <summary>Execution history. Replay and cancel are injections and live with the Triggers module (same routes).</summary>
internal static class RunsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/flows/{id}/runs", ListAsync).WithTags("Runs")
            .WithName("ListRuns").WithSummary("A flow's runs, newest first; filter by status and time, page with before.");
        app.MapGet("/api/runs/{id}", GetAsync).WithTags("Runs")
            .WithName("GetRun").WithSummary("A run with every step (live while it runs).");
    }

    internal static async Task<Ok<RunPage>> ListAsync(string id, string? status, string? before, DateTimeOffset? since, DateTimeOffset? until, int? limit,
        ICurrentUser user, IFlowCatalog catalog, ITraceStore traces, CancellationToken ct)
    {
        _ = await catalog.GetAsync(user.TenantId, id, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        return TypedResults.Ok(await traces.ListAsync(user.TenantId, id, new RunQuery(status, before, since, until, limit ?? 50), ct).ConfigureAwait(false));
    }

    internal static async Task<Ok<RunView>> GetAsync(string id, ICurrentUser user, RunQueries runs, CancellationToken ct) =>
        TypedResults.Ok(await runs.FindAsync(user.TenantId, id, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Run"));
}
