using Microsoft.AspNetCore.Http;

namespace Nextra.Modules.Accounts.Auth;

/// <summary>The session and CSRF cookies of docs/api.md.</summary>
public static class AuthCookies
{
    public const string Session = "nextra_session";
    public const string Csrf = "nextra_csrf";
    public const string CsrfHeader = "X-Nextra-Csrf";

    public static void Set(HttpResponse response, string token, string csrf, DateTimeOffset expires, bool forceSecure)
    {
        var secure = forceSecure || response.HttpContext.Request.IsHttps;
        response.Cookies.Append(Session, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = secure,
            Path = "/",
            Expires = expires,
        });
        // Readable by the UI's script so it can echo it in X-Nextra-Csrf (double submit).
        response.Cookies.Append(Csrf, csrf, new CookieOptions
        {
            HttpOnly = false,
            SameSite = SameSiteMode.Lax,
            Secure = secure,
            Path = "/",
            Expires = expires,
        });
    }

    public static void Clear(HttpResponse response)
    {
        response.Cookies.Delete(Session, new CookieOptions { Path = "/" });
        response.Cookies.Delete(Csrf, new CookieOptions { Path = "/" });
    }
}
