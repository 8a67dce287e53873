using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Nextra.Modules.Accounts.Auth;
using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts;

/// <summary>Members, invites, ownership, the caller's tenants and the tenant switch, open sign-up, every key of the tenant.</summary>
internal static class MembersEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/members").WithTags("Members");
        members.MapGet("", ListAsync).WithName("ListMembers").WithSummary("The tenant's members.");
        members.MapGet("/invites", ListInvitesAsync).WithName("ListInvites").WithSummary("Open invites (owner/admin).");
        members.MapPost("/invites", InviteAsync).WithName("CreateInvite")
            .WithSummary("Invite someone by email; answers the link (and its token) once. 403 quota_exceeded past team_members.");
        members.MapDelete("/invites/{id}", RevokeInviteAsync).WithName("RevokeInvite").WithSummary("Revoke an open invite.");
        members.MapPut("/{userId}", SetRoleAsync).WithName("SetMemberRole").WithSummary("Change a member's role; 409 last_owner for the only owner.");
        members.MapDelete("/{userId}", RemoveAsync).WithName("RemoveMember")
            .WithSummary("Remove a member (their sessions in this tenant end, their keys of it are revoked); 409 last_owner for the only owner.");
        members.MapPost("/transfer-ownership", TransferAsync).WithName("TransferOwnership").WithSummary("Make a member the owner; you become an admin.");

        app.MapPost("/api/invites/accept", AcceptAsync).WithTags("Members").WithName("AcceptInvite")
            .WithSummary("Use an invite: a new email becomes a user (password required), a signed-in user joins; sets the session.");
        app.MapGet("/api/tenants", TenantsAsync).WithTags("Members").WithName("ListMyTenants").WithSummary("The tenants you belong to.");
        app.MapPost("/api/auth/switch", SwitchAsync).WithTags("Authentication").WithName("SwitchTenant")
            .WithSummary("Point your browser session at another of your tenants.");
        app.MapPost("/api/auth/signup", SignupAsync).WithTags("Authentication").WithName("Signup").RequireLoginRateLimit()
            .WithSummary("Open sign-up ([accounts] signup = \"open\"): a user with a personal tenant on the default tier.");

        var keys = app.MapGroup("/api/tenant/apikeys").WithTags("Authentication");
        keys.MapGet("", ListTenantKeysAsync).WithName("ListTenantApiKeys").WithSummary("Every API key of the tenant (owner/admin).");
        keys.MapDelete("/{id}", RevokeTenantKeyAsync).WithName("RevokeTenantApiKey").WithSummary("Revoke any API key of the tenant (owner/admin).");
    }

    private static string? Ip(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    internal static async Task<Ok<MemberResponse[]>> ListAsync(ICurrentUser user, MembersService members, CancellationToken ct) =>
        TypedResults.Ok(await members.ListAsync(user.TenantId, ct));

    internal static async Task<Ok<InviteResponse[]>> ListInvitesAsync(ICurrentUser user, MembersService members, CancellationToken ct) =>
        TypedResults.Ok(await members.ListInvitesAsync(user.TenantId, ct));

    internal static async Task<Created<CreatedInviteResponse>> InviteAsync(CreateInviteRequest body, ICurrentUser user, MembersService members,
        HttpContext http, CancellationToken ct)
    {
        var (row, token) = await members.InviteAsync(user, body.Email, body.Role, Ip(http), ct);
        var request = http.Request;
        var url = $"{request.Scheme}://{request.Host}{request.PathBase}/invite?token={Uri.EscapeDataString(token)}";
        return TypedResults.Created($"/api/members/invites/{row.Id}",
            new CreatedInviteResponse(row.Id, row.Email, row.Role, url, token, Storage.SqliteCommands.ParseIso(row.ExpiresAt)));
    }

    internal static async Task<NoContent> RevokeInviteAsync(string id, ICurrentUser user, MembersService members, HttpContext http, CancellationToken ct)
    {
        await members.RevokeInviteAsync(user, id, Ip(http), ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<MemberResponse>> SetRoleAsync(string userId, SetRoleRequest body, ICurrentUser user, MembersService members,
        HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await members.SetRoleAsync(user, userId, body.Role, Ip(http), ct));

    internal static async Task<NoContent> RemoveAsync(string userId, ICurrentUser user, MembersService members, HttpContext http, CancellationToken ct)
    {
        await members.RemoveAsync(user, userId, Ip(http), ct);
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> TransferAsync(TransferOwnershipRequest body, ICurrentUser user, MembersService members,
        HttpContext http, CancellationToken ct)
    {
        await members.TransferOwnershipAsync(user, body.UserId, Ip(http), ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<MeResponse>> AcceptAsync(AcceptInviteRequest body, ICurrentUser user, MembersService members,
        AccountService accounts, IOptions<AccountsOptions> options, HttpContext http, CancellationToken ct)
    {
        var joined = await members.AcceptAsync(body.Token, body.Password, body.Name, user.IsAuthenticated ? user : null, Ip(http), ct);
        await AccountsEndpoints.SignInAsync(http, accounts, joined, options.Value, ct);
        return TypedResults.Ok(AccountsEndpoints.ToMe(joined));
    }

    internal static async Task<Ok<TenantResponse[]>> TenantsAsync(ICurrentUser user, MembersService members, CancellationToken ct) =>
        TypedResults.Ok(await members.TenantsOfAsync(user, ct));

    internal static async Task<Ok<MeResponse>> SwitchAsync(SwitchTenantRequest body, ICurrentUser user, AccountService accounts,
        HttpContext http, CancellationToken ct)
    {
        if (user.Scheme == "apikey" || !http.Request.Cookies.TryGetValue(AuthCookies.Session, out var token) || string.IsNullOrEmpty(token))
        {
            throw ApiException.BadRequest(ErrorCodes.BadRequest, "An API key belongs to one tenant; create a key in the other tenant instead.");
        }
        if (string.IsNullOrWhiteSpace(body.TenantId)) throw AccountService.Invalid("tenantId", "Name the tenant to switch to.");
        var switched = await accounts.SwitchTenantAsync(token, user.UserId, body.TenantId.Trim(), ct);
        return TypedResults.Ok(AccountsEndpoints.ToMe(switched));
    }

    internal static async Task<Created<MeResponse>> SignupAsync(SignupRequest body, AccountService accounts, IAuditLog audit,
        IOptions<AccountsOptions> options, HttpContext http, CancellationToken ct)
    {
        if (!options.Value.SignupOpen)
        {
            throw new ApiException(403, ErrorCodes.SignupClosed, "Sign-up is closed",
                "This server takes new people by invite only; ask a team admin for an invite link.");
        }
        var user = await accounts.SignupAsync(body.Email, body.Password, body.Name, ct);
        await AccountsEndpoints.SignInAsync(http, accounts, user, options.Value, ct);
        await audit.RecordAsync(new AuditRecord(user.TenantId, new AuditActor(user.UserId, user.Email, AuditVia.Session), "auth.signup", user.Email, null, Ip(http)), ct);
        return TypedResults.Created("/api/auth/me", AccountsEndpoints.ToMe(user));
    }

    internal static async Task<Ok<TenantApiKeyResponse[]>> ListTenantKeysAsync(ICurrentUser user, ApiKeyService keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListTenantAsync(user.TenantId, ct));

    internal static async Task<NoContent> RevokeTenantKeyAsync(string id, ICurrentUser user, ApiKeyService keys, CancellationToken ct)
    {
        await keys.RevokeAnyAsync(user.TenantId, id, ct);
        return TypedResults.NoContent();
    }
}
