using Microsoft.AspNetCore.Http;

namespace Nextra.Modules.Sso;

/// <summary>
/// Absolute URLs the providers are given (redirect URI, ACS, entity id): <c>[server] public_url</c> when set (behind a
/// proxy the request's own host may be an internal one), else the request's scheme and host.
/// </summary>
internal sealed class SsoUrls(string? publicUrl)
{
    public string Base(HttpRequest request) =>
        string.IsNullOrWhiteSpace(publicUrl) ? $"{request.Scheme}://{request.Host}" : publicUrl.TrimEnd('/');

    public string OidcCallback(HttpRequest request, string provider) => $"{Base(request)}/oidc/{Uri.EscapeDataString(provider)}/callback";

    /// <summary>Only same-site paths: an open redirect after sign-in would hand the session's first page to anyone.</summary>
    public static string SafeReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 and < 2048 } && returnUrl[0] == '/' && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.Contains('\\', StringComparison.Ordinal) && !returnUrl.Any(char.IsControl)
            ? returnUrl
            : "/";

    /// <summary>The login page with a stable error code it explains (never provider text: that would be reflected content).</summary>
    public static string LoginError(string code) => "/login?sso_error=" + Uri.EscapeDataString(code);
}
