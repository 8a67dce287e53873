using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nextra.Modules.Observability;

/// <summary>
/// Counts API requests by route template, method and status code. The route is the endpoint's template
/// (<c>/api/flows/{id}</c>), never the raw path, and requests no endpoint matched count as <c>unmatched</c>, so the
/// label set stays bounded whatever clients send.
/// </summary>
internal sealed class ApiRequestMetrics(RequestDelegate next, Metrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hooks"))
            {
                var method = context.Request.Method is "GET" or "POST" or "PUT" or "PATCH" or "DELETE" ? context.Request.Method : "OTHER";
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                metrics.ApiRequest(route, method, context.Response.StatusCode);
            }
        }
    }
}
