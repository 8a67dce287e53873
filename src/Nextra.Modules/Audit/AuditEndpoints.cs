using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Audit.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Audit;

/// <summary><c>GET /api/audit</c>: the tenant's audit log, newest first, paged by <c>before</c>.</summary>
internal static class AuditEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", ListAsync).WithTags("Audit").WithName("ListAudit")
            .WithSummary("The tenant's audit log, newest first; pass nextBefore as before for the next page (owner/admin).");
    }

    internal static async Task<Ok<AuditPage>> ListAsync(string? before, int? limit, string? action, ICurrentUser user, IAuditStore store, CancellationToken ct)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            throw new ApiException(422, ErrorCodes.ValidationFailed, "Validation failed", $"limit must be 1 to {MaxLimit}.");
        }
        var rows = await store.ListAsync(user.TenantId, string.IsNullOrWhiteSpace(before) ? null : before.Trim(), take + 1, string.IsNullOrWhiteSpace(action) ? null : action.Trim(), ct);
        var page = rows.Take(take).Select(r => new AuditItem(SqliteCommands.ParseIso(r.At), new AuditActorResponse(r.ActorUserId, r.ActorEmail, r.Via),
            r.Action, r.Target, r.Detail, r.Ip)).ToArray();
        return TypedResults.Ok(new AuditPage(page, rows.Count > take ? rows[take - 1].Id : null));
    }
}
