using Microsoft.Extensions.Options;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Accounts;

/// <summary>
/// Members, invites, roles and ownership of a tenant. Rules beyond the route table's minimum roles: an admin may not
/// invite, promote to, demote or remove an owner; the last owner is never removed or demoted; invites and members
/// together stay within the tier's <c>team_members</c>. Every change is audited.
/// </summary>
internal sealed class MembersService(
    IMembershipStore memberships,
    IInviteStore invites,
    IAccountStore accounts,
    AccountService accountService,
    PasswordHasher hasher,
    ITierLimits tiers,
    IAuditLog audit,
    IOptions<AccountsOptions> options,
    TimeProvider time)
{
    public async Task<MemberResponse[]> ListAsync(string tenantId, CancellationToken ct) =>
        (await memberships.ListMembersAsync(tenantId, ct)).Select(ToResponse).ToArray();

    public async Task<(InviteRow Row, string Token)> InviteAsync(ICurrentUser actor, string? email, string? role, string? ip, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254 || !email.Contains('@', StringComparison.Ordinal) || email.Trim().Contains(' ', StringComparison.Ordinal))
        {
            throw AccountService.Invalid("email", "Enter a valid email address.");
        }
        var wanted = ParseRole(role);
        RequireMayGrant(actor, wanted);
        var normalized = AccountService.NormalizeEmail(email);
        if ((await memberships.ListMembersAsync(actor.TenantId, ct)).Any(m => m.Email == normalized))
        {
            throw ApiException.Conflict($"{normalized} is already a member; change their role instead.");
        }
        var token = Tokens.Random();
        var now = time.GetUtcNow();
        var row = new InviteRow
        {
            Id = Guid.CreateVersion7(now).ToString(),
            TenantId = actor.TenantId,
            Email = normalized,
            Role = wanted.ToWire(),
            TokenHash = Tokens.Sha256Hex(token),
            InvitedBy = actor.UserId,
            CreatedAt = SqliteCommands.Iso(now),
            ExpiresAt = SqliteCommands.Iso(now.AddDays(options.Value.InviteDays)),
        };
        var limits = await tiers.ForTenantAsync(actor.TenantId, ct);
        if (!await invites.InsertAsync(row, limits.TeamMembers, ct))
        {
            throw Quota.Members(limits);
        }
        await audit.RecordAsync(new AuditRecord(actor.TenantId, AuditActor.Of(actor), "invite.create", normalized, "role=" + row.Role, ip), ct);
        return (row, token);
    }

    public async Task<InviteResponse[]> ListInvitesAsync(string tenantId, CancellationToken ct) =>
        (await invites.ListOpenAsync(tenantId, SqliteCommands.Iso(time.GetUtcNow()), ct))
            .Select(i => new InviteResponse(i.Id, i.Email, i.Role, SqliteCommands.ParseIso(i.CreatedAt), SqliteCommands.ParseIso(i.ExpiresAt), i.InvitedBy))
            .ToArray();

    public async Task RevokeInviteAsync(ICurrentUser actor, string id, string? ip, CancellationToken ct)
    {
        if (!await invites.RevokeAsync(actor.TenantId, id, SqliteCommands.Iso(time.GetUtcNow()), ct))
        {
            throw ApiException.NotFound("Open invite");
        }
        await audit.RecordAsync(new AuditRecord(actor.TenantId, AuditActor.Of(actor), "invite.revoke", id, null, ip), ct);
    }

    /// <summary>
    /// Uses an invite: the signed-in user (<paramref name="signedIn"/>) joins when their email is the invite's; a new
    /// email becomes a user (password required). Returns the user as a member of the invite's tenant.
    /// </summary>
    public async Task<AuthenticatedUser> AcceptAsync(string? token, string? password, string? name, ICurrentUser? signedIn, string? ip, CancellationToken ct)
    {
        var invite = string.IsNullOrEmpty(token) || token.Length > 200 ? null : await invites.FindByTokenAsync(Tokens.Sha256Hex(token), ct);
        var now = SqliteCommands.Iso(time.GetUtcNow());
        if (invite is null || invite.AcceptedAt is not null || invite.RevokedAt is not null || string.CompareOrdinal(invite.ExpiresAt, now) <= 0)
        {
            throw new ApiException(410, ErrorCodes.InviteInvalid, "Invite not usable",
                "This invite link was already used, revoked or has expired; ask an admin of the team for a new one.");
        }
        string userId;
        var via = AuditVia.Session;
        if (signedIn is { IsAuthenticated: true })
        {
            if (!string.Equals(signedIn.Email, invite.Email, StringComparison.Ordinal))
            {
                throw new ApiException(403, ErrorCodes.InviteEmailMismatch, "Invite is for someone else",
                    $"This invite is for {invite.Email}; you are signed in as {signedIn.Email}. Sign out and open the link again.");
            }
            userId = signedIn.UserId;
            via = signedIn.Scheme == "apikey" ? AuditVia.ApiKey : AuditVia.Session;
            if (!await invites.AcceptAsync(invite.Id, userId, now, ct)) throw Gone();
        }
        else if (await accounts.FindUserByEmailAsync(invite.Email, ct) is not null)
        {
            throw new ApiException(401, ErrorCodes.Unauthorized, "Sign in first",
                $"{invite.Email} already has an account: sign in as {invite.Email}, then open the invite link again.");
        }
        else
        {
            accountService.ValidateCredentials(invite.Email, password);
            var display = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
            if (display is { Length: > 100 }) throw AccountService.Invalid("name", "The name must be at most 100 characters.");
            Roles.TryParse(invite.Role, out var role);
            var user = new UserRow
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()).ToString(),
                TenantId = invite.TenantId,
                Email = invite.Email,
                PasswordHash = hasher.Hash(password!),
                Role = role.ToWire(),
                CreatedAt = now,
                UpdatedAt = now,
                Name = display,
            };
            if (!await invites.AcceptAsNewUserAsync(invite.Id, user, now, ct)) throw Gone();
            userId = user.Id;
        }
        var principal = await accounts.FindPrincipalAsync(invite.TenantId, userId, ct) ?? throw Gone();
        await audit.RecordAsync(new AuditRecord(invite.TenantId, new AuditActor(userId, invite.Email, via), "invite.accept", invite.Email,
            "role=" + principal.Role, ip), ct);
        return AccountService.ToUser(principal, "cookie");
    }

    public async Task<MemberResponse> SetRoleAsync(ICurrentUser actor, string userId, string? role, string? ip, CancellationToken ct)
    {
        var wanted = ParseRole(role);
        var member = await memberships.FindAsync(actor.TenantId, userId, ct) ?? throw ApiException.NotFound("Member");
        RequireMayManage(actor, member);
        RequireMayGrant(actor, wanted);
        Check(await memberships.SetRoleAsync(actor.TenantId, userId, wanted, ct), "demote");
        await audit.RecordAsync(new AuditRecord(actor.TenantId, AuditActor.Of(actor), "member.role", member.Email,
            $"{member.Role.ToWire()} -> {wanted.ToWire()}", ip), ct);
        return ToResponse((await memberships.FindAsync(actor.TenantId, userId, ct))!);
    }

    public async Task RemoveAsync(ICurrentUser actor, string userId, string? ip, CancellationToken ct)
    {
        var member = await memberships.FindAsync(actor.TenantId, userId, ct) ?? throw ApiException.NotFound("Member");
        RequireMayManage(actor, member);
        Check(await memberships.RemoveAsync(actor.TenantId, userId, time.GetUtcNow(), ct), "remove");
        await audit.RecordAsync(new AuditRecord(actor.TenantId, AuditActor.Of(actor), "member.remove", member.Email,
            "role=" + member.Role.ToWire(), ip), ct);
    }

    /// <summary>The caller (an owner) makes <paramref name="userId"/> an owner and becomes an admin.</summary>
    public async Task TransferOwnershipAsync(ICurrentUser actor, string? userId, string? ip, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(userId)) throw AccountService.Invalid("userId", "Name the member who becomes the owner.");
        if (userId == actor.UserId) throw ApiException.Conflict("You are already an owner; name another member.");
        var member = await memberships.FindAsync(actor.TenantId, userId, ct) ?? throw ApiException.NotFound("Member");
        Check(await memberships.SetRoleAsync(actor.TenantId, userId, Role.Owner, ct), "promote");
        Check(await memberships.SetRoleAsync(actor.TenantId, actor.UserId, Role.Admin, ct), "demote");
        await audit.RecordAsync(new AuditRecord(actor.TenantId, AuditActor.Of(actor), "member.transfer_ownership", member.Email,
            $"{actor.Email} -> {member.Email}", ip), ct);
    }

    public async Task<TenantResponse[]> TenantsOfAsync(ICurrentUser user, CancellationToken ct) =>
        (await memberships.ListTenantsOfAsync(user.UserId, ct))
            .Select(m => new TenantResponse(m.TenantId, m.TenantName, m.Role.ToWire(), m.TenantId == user.TenantId))
            .ToArray();

    /// <summary>A failed sign-in of a known email is recorded in each tenant of that person (unknown emails have no tenant).</summary>
    public async Task RecordFailedSignInAsync(string? email, string? ip, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254) return;
        var user = await accounts.FindUserByEmailAsync(AccountService.NormalizeEmail(email), ct);
        if (user is null) return;
        foreach (var m in await memberships.ListTenantsOfAsync(user.Id, ct))
        {
            await audit.RecordAsync(new AuditRecord(m.TenantId, new AuditActor(user.Id, user.Email, AuditVia.Session), "auth.signin_failed", user.Email, null, ip), ct);
        }
    }

    private static MemberResponse ToResponse(Membership m) => new(m.UserId, m.Email, m.Name, m.Role.ToWire(), m.JoinedAt, m.LastSeenAt);

    private static Role ParseRole(string? role) => Roles.TryParse(role, out var parsed)
        ? parsed
        : throw AccountService.Invalid("role", "The role must be owner, admin, editor or viewer.");

    /// <summary>Only an owner may hand out the owner role.</summary>
    private static void RequireMayGrant(ICurrentUser actor, Role role)
    {
        if (role == Role.Owner && actor.Role < Role.Owner)
        {
            throw ApiException.Forbidden("Only an owner may make someone an owner; you are " + actor.Role.ToWire() + ".");
        }
    }

    /// <summary>Only an owner may change or remove an owner.</summary>
    private static void RequireMayManage(ICurrentUser actor, Membership member)
    {
        if (member.Role == Role.Owner && actor.Role < Role.Owner)
        {
            throw ApiException.Forbidden($"{member.Email} is an owner; only an owner may change or remove an owner.");
        }
    }

    private static void Check(MembershipResult result, string verb)
    {
        switch (result)
        {
            case MembershipResult.Done:
                return;
            case MembershipResult.LastOwner:
                throw new ApiException(409, ErrorCodes.LastOwner, "Last owner",
                    $"Cannot {verb} the tenant's last owner; make another member an owner first (POST /api/members/transfer-ownership).");
            default:
                throw ApiException.NotFound("Member");
        }
    }

    private static ApiException Gone() => new(410, ErrorCodes.InviteInvalid, "Invite not usable",
        "This invite link was already used, revoked or has expired; ask an admin of the team for a new one.");
}
