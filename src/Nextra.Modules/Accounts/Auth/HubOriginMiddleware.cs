using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts.Auth;

/// <summary>
/// Cross-site WebSocket hijacking guard: a hub request (negotiate, WebSocket, SSE, long polling under <c>/hubs</c>)
/// authenticated by the session cookie must come from an allowed Origin, else 403 <c>origin_not_allowed</c>. Browsers
/// attach cookies to cross-site WebSockets and SameSite=Lax does not stop a same-site origin; the CSRF header cannot be
/// sent on a WebSocket, so the Origin is what is checked. Bearer (API key) connections need no Origin: browsers never
/// add that header on their own. No Origin at all is not a cross-site browser request and passes.
/// </summary>
internal sealed class HubOriginMiddleware(RequestDelegate next, IOptions<OriginOptions> options)
{
    public const string Code = "origin_not_allowed";

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase)
            || context.User.FindFirst(NextraClaims.Scheme)?.Value != "cookie")
        {
            return next(context);
        }
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || Allowed(origin, context.Request, options.Value))
        {
            return next(context);
        }
        return ProblemResponses.WriteAsync(context, StatusCodes.Status403Forbidden, Code, "Origin not allowed",
            $"A signed-in browser may open the live events only from this server's own origin or [server] allowed_origins, not from {Clip(origin)}.");
    }

    internal static bool Allowed(string origin, HttpRequest request, OriginOptions options)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return false; // "null" (sandboxed frames, file:), anything else odd
        }
        // The server's own origin: the host the browser addressed. Scheme is not compared, so a TLS-terminating proxy
        // (https outside, http here) still matches; an attacker cannot serve another scheme on the same host and port.
        if (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var normalized = uri.GetLeftPart(UriPartial.Authority);
        if (options.PublicUrl is { Length: > 0 } publicUrl && Uri.TryCreate(publicUrl, UriKind.Absolute, out var pub)
            && string.Equals(pub.GetLeftPart(UriPartial.Authority), normalized, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        foreach (var allowed in options.AllowedOrigins)
        {
            if (Uri.TryCreate(allowed, UriKind.Absolute, out var a) && string.Equals(a.GetLeftPart(UriPartial.Authority), normalized, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static string Clip(string s) => s.Length > 100 ? s[..100] + "…" : s;
}
