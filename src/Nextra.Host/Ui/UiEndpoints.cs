using Microsoft.AspNetCore.StaticFiles;
using Nextra.Modules.Common;

namespace Nextra.Host.Ui;

/// <summary>
/// Serves the embedded UI: exact files first, then the SPA fallback to <c>index.html</c> for
/// client-side routes. Unknown <c>/api</c> paths stay API errors (401 without credentials, else 404).
/// </summary>
internal static partial class UiEndpoints
{
    /// <summary>
    /// Scripts and styles only from this origin; inline styles because the canvas library sets style attributes.
    /// Connections (fetch, the SignalR WebSocket) only to the server itself: 'self' plus this host's ws:/wss:
    /// origins, for browsers whose 'self' does not cover WebSockets.
    /// </summary>
    public static string ContentSecurityPolicy(HttpRequest request)
    {
        var host = request.Host.Value;
        var sockets = !string.IsNullOrEmpty(host) && SafeHost().IsMatch(host) ? $" ws://{host} wss://{host}" : "";
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
            $"font-src 'self' data:; connect-src 'self'{sockets}; worker-src 'self' blob:; object-src 'none'; " +
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
    }

    // Host names, IPv4/IPv6 literals and a port: nothing that could end the directive or add a source.
    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")]
    private static partial System.Text.RegularExpressions.Regex SafeHost();

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static WebApplication MapNextraUi(this WebApplication app)
    {
        var ui = new EmbeddedUi();
        // Map(...).WithOrder rather than MapFallback(pattern, ...): the request delegate generator's
        // MapFallback interceptor drops the pattern (it matched every non-file path).
        app.Map("/api/{**rest}", ApiNotFound)
            .WithOrder(int.MaxValue)
            
            .ExcludeFromDescription();
        app.Map("{**path}", (HttpContext http) => ServeAsync(http, ui))
            .WithOrder(int.MaxValue)
            .ExcludeFromDescription();
        return app;
    }

    private static IResult ApiNotFound() => throw ApiException.NotFound("This API route");

    internal static Task ServeAsync(HttpContext http, EmbeddedUi ui)
    {
        var request = http.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            throw new ApiException(405, ErrorCodes.MethodNotAllowed, "Method not allowed", $"{request.Method} is not allowed here.");
        }
        var path = (request.Path.Value ?? "/").TrimStart('/');
        if (path.StartsWith("health/", StringComparison.Ordinal) || path.StartsWith("hubs/", StringComparison.Ordinal))
        {
            throw ApiException.NotFound("This route");
        }
        var file = path.Length == 0 ? null : ui.Find(path);
        if (file is null)
        {
            // A missing asset is a 404, not the index page: a stale hashed bundle must not get HTML back.
            var lastSegment = path[(path.LastIndexOf('/') + 1)..];
            if (lastSegment.Contains('.', StringComparison.Ordinal))
            {
                throw ApiException.NotFound($"File '{path}'");
            }
            file = ui.Find("index.html");
        }
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy(request);
        if (file is null)
        {
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.ContentType = "text/html; charset=utf-8";
            return http.Response.WriteAsync(NotBuiltPage, http.RequestAborted);
        }
        return WriteFileAsync(http, file);
    }

    private static async Task WriteFileAsync(HttpContext http, UiFile file)
    {
        var headers = http.Response.Headers;
        // Vite names bundles by content hash, so they never change; index.html must be revalidated to pick up new ones.
        headers.CacheControl = file.Path.StartsWith("assets/", StringComparison.Ordinal)
            ? "public, max-age=31536000, immutable"
            : "no-cache";
        headers.ETag = file.ETag;
        if (http.Request.Headers.IfNoneMatch.ToString() == file.ETag)
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        http.Response.ContentType = ContentTypes.TryGetContentType(file.Path, out var type) ? type : "application/octet-stream";
        http.Response.ContentLength = file.Content.Length;
        if (HttpMethods.IsHead(http.Request.Method))
        {
            return;
        }
        await http.Response.Body.WriteAsync(file.Content, http.RequestAborted);
    }

    private const string NotBuiltPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Nextra</title></head>
        <body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto;">
        <h1>Nextra is running</h1>
        <p>The browser UI was not built into this binary. Build it with <code>npm ci &amp;&amp; npm run build</code>
        in <code>wwwroot/</code> and rebuild the host (or build without <code>-p:SkipUi=true</code>).</p>
        <p>The API works: see the <a href="/openapi">API reference</a>.</p>
        </body></html>
        """;
}
