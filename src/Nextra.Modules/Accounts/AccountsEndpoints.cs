using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Nextra.Modules.Accounts.Auth;
using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts;

/// <summary>Setup, login, logout, me and password endpoints.</summary>
internal static class AccountsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var setup = app.MapGroup("/api/setup").WithTags("Authentication").AllowAnonymous();
        setup.MapGet("", GetSetupAsync).WithName("GetSetup").WithSummary("Whether the first-start setup is still needed.");
        setup.MapPost("", PostSetupAsync).RequireLoginRateLimit().WithName("PostSetup").WithSummary("Create the owner account with the one-time setup token.");

        var auth = app.MapGroup("/api/auth").WithTags("Authentication");
        auth.MapPost("/login", LoginAsync).AllowAnonymous().RequireLoginRateLimit().WithName("Login").WithSummary("Sign in; sets the session and CSRF cookies.");
        auth.MapPost("/logout", LogoutAsync).WithName("Logout").WithSummary("End the session.");
        auth.MapGet("/me", GetMe).WithName("Me").WithSummary("The signed-in user.");
        auth.MapPost("/password", ChangePasswordAsync).WithName("ChangePassword").WithSummary("Change the password; signs out other sessions.");
    }

    internal static async Task<Ok<SetupStatusResponse>> GetSetupAsync(AccountService accounts, CancellationToken ct) =>
        TypedResults.Ok(new SetupStatusResponse(await accounts.SetupNeededAsync(ct)));

    internal static async Task<Created<MeResponse>> PostSetupAsync(SetupRequest body, AccountService accounts,
        IOptions<AccountsOptions> options, HttpContext http, CancellationToken ct)
    {
        var user = await accounts.SetupAsync(body.Token, body.Email, body.Password, body.TenantName, ct);
        await SignInAsync(http, accounts, user, options.Value, ct);
        return TypedResults.Created("/api/auth/me", ToMe(user));
    }

    internal static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> LoginAsync(LoginRequest body, AccountService accounts,
        MembersService members, IAuditLog audit, IOptions<AccountsOptions> options, IEnumerable<IPasswordSignInGate> gates,
        HttpContext http, CancellationToken ct)
    {
        var user = await accounts.VerifyLoginAsync(body.Email, body.Password, ct);
        var ip = http.Connection.RemoteIpAddress?.ToString();
        if (user is null)
        {
            await members.RecordFailedSignInAsync(body.Email, ip, ct);
            return TypedResults.Problem(statusCode: 401, title: "Invalid credentials", detail: "Email or password is wrong.",
                extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.InvalidCredentials });
        }
        foreach (var gate in gates)
        {
            if (await gate.RefuseAsync(user.TenantId, user.UserId, user.Role, ct) is { } refusal)
            {
                return TypedResults.Problem(statusCode: 403, title: "Single sign-on required", detail: refusal,
                    extensions: new Dictionary<string, object?> { ["code"] = "sso_required" });
            }
        }
        await SignInAsync(http, accounts, user, options.Value, ct);
        await audit.RecordAsync(new AuditRecord(user.TenantId, new AuditActor(user.UserId, user.Email, AuditVia.Session), "auth.signin", user.Email, null, ip), ct);
        return TypedResults.Ok(ToMe(user));
    }

    internal static async Task<NoContent> LogoutAsync(AccountService accounts, HttpContext http, CancellationToken ct)
    {
        if (http.Request.Cookies.TryGetValue(AuthCookies.Session, out var token) && !string.IsNullOrEmpty(token))
        {
            await accounts.EndSessionAsync(token, ct);
        }
        AuthCookies.Clear(http.Response);
        return TypedResults.NoContent();
    }

    internal static Ok<MeResponse> GetMe(ICurrentUser user, HttpContext http) =>
        TypedResults.Ok(new MeResponse(user.UserId, user.Email, user.Role.ToWire(), user.TenantId,
            http.User.FindFirst("nextra:tenant_name")?.Value ?? ""));

    internal static async Task<NoContent> ChangePasswordAsync(ChangePasswordRequest body, ICurrentUser user, AccountService accounts,
        HttpContext http, CancellationToken ct)
    {
        var keep = http.Request.Cookies.TryGetValue(AuthCookies.Session, out var token) && !string.IsNullOrEmpty(token)
            ? Tokens.Sha256Hex(token)
            : null;
        await accounts.ChangePasswordAsync(user.TenantId, user.UserId, body.CurrentPassword, body.NewPassword, keep, ct);
        return TypedResults.NoContent();
    }

    internal static async Task SignInAsync(HttpContext http, AccountService accounts, AuthenticatedUser user, AccountsOptions options, CancellationToken ct)
    {
        var (token, csrf, expires) = await accounts.StartSessionAsync(user, ct);
        AuthCookies.Set(http.Response, token, csrf, expires, options.SecureCookies);
    }

    internal static MeResponse ToMe(AuthenticatedUser user) =>
        new(user.UserId, user.Email, user.Role.ToWire(), user.TenantId, user.TenantName);
}
