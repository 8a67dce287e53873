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
        group.MapGet("/ready", ReadyAsync).WithName("HealthReady").WithSummary("The control-plane database answers.");
        return app;
    }

    internal static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> ReadyAsync(
        ISqliteConnectionFactory db, ILoggerFactory loggers, CancellationToken ct)
    {
        try
        {
            await using var conn = await db.OpenAsync(ct: ct);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM _migrations";
            await cmd.ExecuteScalarAsync(ct);
            return TypedResults.Ok(new HealthResponse("ready"));
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            loggers.CreateLogger("Nextra.Health").LogWarning(ex, "Readiness check failed");
            return TypedResults.Json(new HealthResponse("unavailable"), HostJsonContext.Default.HealthResponse, statusCode: 503);
        }
    }
}
