namespace Nextra.Host.Hosting;

/// <summary>Headers every response carries (and <c>Cache-Control: no-store</c> on <c>/api</c>); the UI's CSP is added where the UI is served.</summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        // API answers hold keys, secrets' names, run payloads: no browser or proxy may keep a copy.
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            headers.CacheControl = "no-store";
        }
        return next(context);
    }
}
