using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts.Auth;

/// <summary>
/// One scheme for both credentials: <c>Authorization: Bearer nxk_…</c> (API key) or the
/// <c>nextra_session</c> cookie. Challenge and forbid answer ProblemDetails.
/// </summary>
internal sealed class NextraAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccountService accounts,
    ApiKeyService apiKeys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "nextra";
    public const string CsrfClaim = "nextra:csrf";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var user = await apiKeys.AuthenticateAsync(authorization["Bearer ".Length..].Trim(), Context.RequestAborted);
            return user is null ? AuthenticateResult.Fail("Unknown or revoked API key.") : Success(user);
        }
        if (Request.Cookies.TryGetValue(AuthCookies.Session, out var token) && !string.IsNullOrEmpty(token))
        {
            var user = await accounts.FindSessionAsync(token, Context.RequestAborted);
            return user is null ? AuthenticateResult.NoResult() : Success(user);
        }
        return AuthenticateResult.NoResult();
    }

    private AuthenticateResult Success(AuthenticatedUser user)
    {
        var claims = new List<Claim>
        {
            new(NextraClaims.UserId, user.UserId),
            new(NextraClaims.TenantId, user.TenantId),
            new(NextraClaims.Email, user.Email),
            new(NextraClaims.Role, user.Role.ToWire()),
            new(NextraClaims.Scheme, user.Scheme),
            new("nextra:tenant_name", user.TenantName),
        };
        if (user.KeyId is not null)
        {
            claims.Add(new Claim(NextraClaims.KeyId, user.KeyId));
        }
        if (user.Csrf is not null)
        {
            claims.Add(new Claim(CsrfClaim, user.Csrf));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, NextraClaims.Email, NextraClaims.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ProblemResponses.WriteAsync(Context, 401, ErrorCodes.Unauthorized, "Unauthorized", "Sign in or send an API key.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemResponses.WriteAsync(Context, 403, ErrorCodes.Forbidden, "Forbidden", "Your role may not do this.");
}
