using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Auth;
using Nextra.Modules.Common;
using Nextra.Modules.Sso.Stores;

namespace Nextra.Modules.Sso.Oidc;

/// <summary>
/// Sign-in with an OpenID Connect provider (authorization code + PKCE S256, state bound to the browser by a cookie,
/// nonce checked in the ID token): <c>GET /oidc/{provider}/login</c> redirects to the provider, and
/// <c>GET /oidc/{provider}/callback</c> starts the Nextra session. Failures go back to <c>/login?sso_error=CODE</c>.
/// </summary>
internal static class OidcEndpoints
{
    public const string StateCookie = "nextra_sso_state";
    private static readonly TimeSpan RequestLifetime = TimeSpan.FromMinutes(10);

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/oidc/{provider}").WithTags("Single sign-on").AllowAnonymous();
        group.MapGet("/login", LoginAsync).WithName("OidcLogin").WithSummary("Start signing in with an OpenID Connect provider (redirects to it).").Produces(StatusCodes.Status302Found);
        group.MapGet("/callback", CallbackAsync).RequireLoginRateLimit().WithName("OidcCallback")
            .WithSummary("Where the provider sends the browser back; starts the session and redirects to the page asked for.").Produces(StatusCodes.Status302Found);
    }

    internal static async Task<Results<RedirectHttpResult, ProblemHttpResult>> LoginAsync(string provider, string? returnUrl,
        SsoProviderCatalog catalog, OidcClient oidc, ISsoStore store, SsoUrls urls, IOptions<AccountsOptions> accounts, TimeProvider time,
        ILoggerFactory logs, HttpContext http, CancellationToken ct)
    {
        var p = await catalog.FindOidcAsync(provider, ct);
        if (p is null)
        {
            return NotFound(provider);
        }
        OidcDiscoveryDocument doc;
        try
        {
            doc = await oidc.DiscoverAsync(p, ct);
        }
        catch (SsoException ex)
        {
            logs.CreateLogger("Nextra.Sso").LogWarning("OIDC sign-in with {Provider} failed: {Code}: {Message}", p.Name, ex.Code, ex.Message);
            return TypedResults.Redirect(SsoUrls.LoginError(ex.Code));
        }
        var state = Tokens.Random();
        var nonce = Tokens.Random();
        var verifier = Tokens.Random();
        var now = time.GetUtcNow();
        await store.SaveRequestAsync(new SsoRequestRow
        {
            Id = Tokens.Sha256Hex(state),
            Provider = p.Name,
            Nonce = nonce,
            CodeVerifier = verifier,
            ReturnUrl = SsoUrls.SafeReturn(returnUrl),
            CreatedAt = AccountRows.Iso(now),
            ExpiresAt = AccountRows.Iso(now + RequestLifetime),
        }, now, ct);
        // The state also lives in a cookie of this browser: a callback carrying someone else's state is refused (login CSRF).
        http.Response.Cookies.Append(StateCookie, state, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = accounts.Value.SecureCookies || http.Request.IsHttps,
            Path = "/oidc/" + p.Name,
            MaxAge = RequestLifetime,
        });
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var query = new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = p.ClientId,
            ["redirect_uri"] = urls.OidcCallback(http.Request, p.Name),
            ["scope"] = string.Join(' ', p.Scopes),
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        };
        var separator = doc.AuthorizationEndpoint!.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return TypedResults.Redirect(doc.AuthorizationEndpoint + separator + string.Join('&',
            query.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value))));
    }

    internal static async Task<Results<RedirectHttpResult, ProblemHttpResult>> CallbackAsync(string provider, string? code, string? state,
        string? error, SsoProviderCatalog catalog, OidcClient oidc, ISsoStore store, SsoSignIn signIn, ISessionStarter accountService,
        SsoUrls urls, IOptions<AccountsOptions> accounts, TimeProvider time, ILoggerFactory logs, HttpContext http, CancellationToken ct)
    {
        var p = await catalog.FindOidcAsync(provider, ct);
        if (p is null)
        {
            return NotFound(provider);
        }
        var log = logs.CreateLogger("Nextra.Sso");
        var cookie = http.Request.Cookies[StateCookie];
        http.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = "/oidc/" + p.Name });
        try
        {
            if (string.IsNullOrEmpty(state) || string.IsNullOrEmpty(cookie) || !Tokens.FixedTimeEquals(cookie, state))
            {
                throw new SsoException("invalid_state", "The sign-in was not started in this browser (state cookie missing or different).");
            }
            var request = await store.TakeRequestAsync(Tokens.Sha256Hex(state), time.GetUtcNow(), ct);
            if (request is null || !string.Equals(request.Provider, p.Name, StringComparison.Ordinal))
            {
                throw new SsoException("invalid_state", "The sign-in expired or was already completed; start again.");
            }
            if (!string.IsNullOrEmpty(error))
            {
                throw new SsoException("provider_error", $"The provider answered error={error}.");
            }
            if (string.IsNullOrEmpty(code))
            {
                throw new SsoException("provider_error", "The provider sent no authorization code.");
            }
            var identity = await oidc.RedeemAsync(p, code, request.CodeVerifier, urls.OidcCallback(http.Request, p.Name), request.Nonce, ct);
            var user = await signIn.SignInAsync(new SsoIdentity(p.Name, identity.Subject, identity.Email, identity.Groups),
                new SsoLanding(p.Tenant, p.TenantId, p.AutoProvision, p.RoleFor(identity.Groups)), ct);
            var (token, csrf, expires) = await accountService.StartSessionAsync(user, ct);
            AuthCookies.Set(http.Response, token, csrf, expires, accounts.Value.SecureCookies);
            log.LogInformation("OIDC sign-in with {Provider}: user {UserId} in tenant {TenantId}", p.Name, user.UserId, user.TenantId);
            return TypedResults.Redirect(request.ReturnUrl);
        }
        catch (SsoException ex)
        {
            log.LogWarning("OIDC sign-in with {Provider} refused: {Code}: {Message}", p.Name, ex.Code, ex.Message);
            return TypedResults.Redirect(SsoUrls.LoginError(ex.Code));
        }
    }

    internal static ProblemHttpResult NotFound(string provider) => TypedResults.Problem(statusCode: 404, title: "Unknown provider",
        detail: $"No single sign-on provider is named '{provider}'. Check [[oidc.providers]] or Settings → Single sign-on.",
        extensions: new Dictionary<string, object?> { ["code"] = "sso_provider_not_found" });

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
