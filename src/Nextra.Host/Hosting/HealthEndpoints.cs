using Microsoft.AspNetCore.Http.HttpResults;
using Nextra.Modules.Storage;

namespace Nextra.Host.Hosting;

/// <summary><c>/health/live</c> (process up) and <c>/health/ready</c> (database answers).</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapNextraHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/live", () => TypedResults.Ok(new HealthResponse("live")))
            .WithName("HealthLive").WithSummary("The process is up.");
        group.MapGet("/ready", ReadyAsync).WithName("HealthReady").WithSummary("The control-plane database answers.")
            .Produces<HealthResponse>(StatusCodes.Status200OK).Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> ReadyAsync(
        ISqliteConnectionFactory db, IPostgresConnectionFactory postgres, Microsoft.Extensions.Options.IOptions<StorageOptions> storage,
        ILoggerFactory loggers, CancellationToken ct)
    {
        try
        {
            // Hosted mode: the shared Postgres database; embedded: the control-plane file.
            await using System.Data.Common.DbConnection conn = storage.Value.IsPostgres ? await postgres.OpenAsync(ct) : await db.OpenAsync(ct: ct);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM _migrations";
            await cmd.ExecuteScalarAsync(ct);
            return TypedResults.Ok(new HealthResponse("ready"));
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException)
        {
            loggers.CreateLogger("Nextra.Health").LogWarning(ex, "Readiness check failed");
            return TypedResults.Json(new HealthResponse("unavailable"), HostJsonContext.Default.HealthResponse, statusCode: 503);
        }
    }
}
