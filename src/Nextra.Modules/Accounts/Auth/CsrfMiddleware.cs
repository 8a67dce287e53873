using Microsoft.AspNetCore.Http;
using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts.Auth;

/// <summary>
/// Double-submit CSRF check: an unsafe request authenticated by the session cookie must carry
/// <c>X-Nextra-Csrf</c> equal to the session's CSRF token (also in the <c>nextra_csrf</c> cookie).
/// Bearer requests are exempt: browsers never attach them on their own. Only <c>/api</c> is checked:
/// SignalR's negotiate POST under <c>/hubs</c> cannot carry the header from every client, and a hub
/// should check the Origin of its WebSocket instead.
/// </summary>
internal sealed class CsrfMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method))
        {
            return next(context);
        }
        var expected = context.User.FindFirst(NextraAuthenticationHandler.CsrfClaim)?.Value;
        if (expected is null)
        {
            return next(context);
        }
        var sent = context.Request.Headers[AuthCookies.CsrfHeader].ToString();
        if (sent.Length == 0 || !Tokens.FixedTimeEquals(sent, expected))
        {
            return ProblemResponses.WriteAsync(context, 403, ErrorCodes.CsrfFailed, "CSRF check failed",
                $"Send the {AuthCookies.CsrfHeader} header with the value of the {AuthCookies.Csrf} cookie.");
        }
        return next(context);
    }
}
