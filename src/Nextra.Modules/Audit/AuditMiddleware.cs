using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Common;

namespace Nextra.Modules.Audit;

/// <summary>
/// Records the routes whose <see cref="RouteRule.Audit"/> action is declared in <see cref="RouteTable"/>, after they
/// succeed (2xx): the actor from the request's principal, the target from the route (<c>id</c>, <c>flowId</c>,
/// <c>userId</c>, <c>name</c>, <c>key</c>) or the <c>Location</c> of a created resource, the other route values as detail.
/// A failed write of the audit entry is logged, never turned into a failure of the change that already happened.
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next, IAuditLog audit, ILogger<AuditMiddleware> logger)
{
    private static readonly string[] TargetKeys = ["id", "flowId", "userId", "name", "key"];

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Response.StatusCode is < 200 or >= 300 || context.GetEndpoint() is not RouteEndpoint endpoint) return;
        var rule = RouteTable.Find(context.Request.Method, endpoint.RoutePattern.RawText ?? "");
        if (rule?.Audit is not { } action) return;
        var user = context.GetCurrentUser();
        if (!user.IsAuthenticated) return;
        var values = context.Request.RouteValues;
        var target = TargetKeys.Select(k => values.TryGetValue(k, out var v) ? v?.ToString() : null).FirstOrDefault(v => v is not null);
        var detail = string.Join(", ", values.Where(kv => kv.Value?.ToString() != target).Select(kv => $"{kv.Key}={kv.Value}"));
        if (target is null && context.Response.Headers.Location.ToString() is { Length: > 0 } location)
        {
            target = location[(location.LastIndexOf('/') + 1)..];
        }
        try
        {
            await audit.RecordAsync(new AuditRecord(user.TenantId, AuditActor.Of(user), action, target, detail.Length == 0 ? null : detail,
                context.Connection.RemoteIpAddress?.ToString()), CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Audit entry {Action} on {Target} could not be written", action, target);
        }
    }
}
