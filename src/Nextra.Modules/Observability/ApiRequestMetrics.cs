using Microsoft.AspNetCore.Http;

namespace Nextra.Modules.Observability;

/// <summary>Counts API requests by method and status class (labels of bounded cardinality: no paths, no ids).</summary>
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
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                var method = context.Request.Method is "GET" or "POST" or "PUT" or "PATCH" or "DELETE" ? context.Request.Method : "OTHER";
                var code = context.Response.StatusCode / 100 + "xx";
                metrics.Increment("nextra_api_requests_total", Metrics.Labels(("method", method), ("code", code)));
            }
        }
    }
}
