using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Sso.Stores;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Sso.Clerk;

/// <summary>What an event did, for the webhook's answer and the log.</summary>
internal sealed record ClerkOutcome(string What, string? Detail = null);

/// <summary>An event that cannot be applied yet (e.g. a membership before its user): answered 409 so Svix retries it.</summary>
internal sealed class ClerkRetryLater(string message) : Exception(message);

/// <summary>
/// Applies Clerk's events: users (a personal tenant on the default tier for a new one; disabled with sessions and keys
/// revoked on <c>user.deleted</c>), organizations (tenants) and organization memberships (<c>org:admin</c> → admin,
/// <c>org:member</c> → editor). Clerk ids are linked to Nextra ids in the SSO store (provider <c>clerk</c>).
/// </summary>
internal sealed class ClerkSync(IAccountStore accounts, IMembershipStore members, IUserLifecycle lifecycle, ISsoStore sso,
    ITierLimits tiers, TimeProvider time, ILogger<ClerkSync> log)
{
    public const string Provider = "clerk";

    public async Task<ClerkOutcome> ApplyAsync(JsonElement root, CancellationToken ct)
    {
        var type = Str(root, "type") ?? "";
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return new ClerkOutcome("ignored", "no data object");
        }
        return type switch
        {
            "user.created" or "user.updated" => await UpsertUserAsync(data, ct),
            "user.deleted" => await DeleteUserAsync(data, ct),
            "organization.created" or "organization.updated" => await UpsertOrganizationAsync(data, ct),
            "organization.deleted" => await DeleteOrganizationAsync(data, ct),
            "organizationMembership.created" or "organizationMembership.updated" => await UpsertMembershipAsync(data, ct),
            "organizationMembership.deleted" => await DeleteMembershipAsync(data, ct),
            _ => new ClerkOutcome("ignored", $"event type '{type}' is not synced"),
        };
    }

    private async Task<ClerkOutcome> UpsertUserAsync(JsonElement data, CancellationToken ct)
    {
        var clerkId = Str(data, "id") ?? throw new JsonException("data.id missing");
        var (email, verified) = PrimaryEmail(data);
        if (email is null)
        {
            return new ClerkOutcome("ignored", "the user has no primary email");
        }
        var name = string.Join(' ', new[] { Str(data, "first_name"), Str(data, "last_name") }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var now = time.GetUtcNow();
        var userId = await sso.FindIdentityAsync(Provider, clerkId, ct);
        if (userId is null)
        {
            // Linked by verified email to a person who already has an account; otherwise a new person with a personal tenant.
            var existing = await accounts.FindUserByEmailAsync(email, ct);
            if (existing is not null && !verified)
            {
                throw new ClerkRetryLater($"{email} has an account here but is not verified in Clerk; it is linked once verified.");
            }
            if (existing is not null)
            {
                userId = existing.Id;
            }
            else
            {
                var tenant = new TenantRow { Id = NewId(now), Name = name.Length > 0 ? name : email, CreatedAt = AccountRows.Iso(now) };
                var user = new UserRow
                {
                    Id = NewId(now), TenantId = tenant.Id, Email = email, PasswordHash = SsoSignIn.NoPassword, Role = Role.Owner.ToWire(),
                    CreatedAt = AccountRows.Iso(now), UpdatedAt = AccountRows.Iso(now),
                };
                await accounts.CreateTenantWithUserAsync(tenant, user, onlyIfNoUsers: false, ct);
                userId = user.Id;
            }
            await sso.LinkIdentityAsync(Provider, clerkId, userId, now, ct);
            if (name.Length > 0) await lifecycle.SetNameAsync(userId, name, now, ct);
            return new ClerkOutcome(existing is null ? "created" : "linked");
        }
        if (!await lifecycle.SetEmailAsync(userId, email, now, ct))
        {
            throw new ClerkRetryLater($"Another account here already uses {email}.");
        }
        await lifecycle.SetNameAsync(userId, name.Length > 0 ? name : null, now, ct);
        return new ClerkOutcome("updated");
    }

    private async Task<ClerkOutcome> DeleteUserAsync(JsonElement data, CancellationToken ct)
    {
        var clerkId = Str(data, "id") ?? throw new JsonException("data.id missing");
        var userId = await sso.FindIdentityAsync(Provider, clerkId, ct);
        if (userId is null) return new ClerkOutcome("ignored", "unknown user");
        await lifecycle.DisableAsync(userId, time.GetUtcNow(), ct);
        return new ClerkOutcome("disabled");
    }

    private async Task<ClerkOutcome> UpsertOrganizationAsync(JsonElement data, CancellationToken ct)
    {
        var orgId = Str(data, "id") ?? throw new JsonException("data.id missing");
        var name = Str(data, "name") is { Length: > 0 } n ? n.Trim() : orgId;
        var tenantId = await sso.FindTenantLinkAsync(Provider, orgId, ct);
        if (tenantId is null)
        {
            await EnsureTenantAsync(orgId, name, ct);
            return new ClerkOutcome("created");
        }
        await lifecycle.RenameTenantAsync(tenantId, name, ct);
        return new ClerkOutcome("updated");
    }

    private async Task<ClerkOutcome> DeleteOrganizationAsync(JsonElement data, CancellationToken ct)
    {
        var orgId = Str(data, "id") ?? throw new JsonException("data.id missing");
        var tenantId = await sso.FindTenantLinkAsync(Provider, orgId, ct);
        if (tenantId is null) return new ClerkOutcome("ignored", "unknown organization");
        await lifecycle.DeleteTenantAsync(tenantId, ct);
        return new ClerkOutcome("deleted");
    }

    private async Task<ClerkOutcome> UpsertMembershipAsync(JsonElement data, CancellationToken ct)
    {
        var (orgId, orgName, clerkUserId) = MembershipIds(data);
        var role = Str(data, "role") switch
        {
            "org:admin" or "admin" => Role.Admin,
            "org:member" or "basic_member" => Role.Editor,
            _ => Role.Viewer,
        };
        var userId = await sso.FindIdentityAsync(Provider, clerkUserId, ct)
            ?? throw new ClerkRetryLater($"User {clerkUserId} is not synced yet (user.created comes first).");
        var tenantId = await sso.FindTenantLinkAsync(Provider, orgId, ct) ?? await EnsureTenantAsync(orgId, orgName ?? orgId, ct);
        var now = time.GetUtcNow();
        var existing = await members.FindAsync(tenantId, userId, ct);
        if (existing is null)
        {
            // A tenant made from an organization gets its first member as owner, so someone can manage billing.
            if ((await members.ListMembersAsync(tenantId, ct)).Count == 0) role = Role.Owner;
            var limits = await tiers.ForTenantAsync(tenantId, ct);
            return await members.AddAsync(tenantId, userId, role, now, limits.TeamMembers, ct) switch
            {
                MembershipResult.Done or MembershipResult.AlreadyMember => new ClerkOutcome("added"),
                MembershipResult.QuotaExceeded => new ClerkOutcome("refused", $"the tenant's tier allows {limits.TeamMembers} members"),
                var other => throw new ClerkRetryLater($"Membership not added: {other}."),
            };
        }
        if (existing.Role == Role.Owner || existing.Role == role) return new ClerkOutcome("unchanged");
        return await members.SetRoleAsync(tenantId, userId, role, ct) == MembershipResult.Done
            ? new ClerkOutcome("updated")
            : new ClerkOutcome("refused", "the last owner keeps their role");
    }

    private async Task<ClerkOutcome> DeleteMembershipAsync(JsonElement data, CancellationToken ct)
    {
        var (orgId, _, clerkUserId) = MembershipIds(data);
        var userId = await sso.FindIdentityAsync(Provider, clerkUserId, ct);
        var tenantId = await sso.FindTenantLinkAsync(Provider, orgId, ct);
        if (userId is null || tenantId is null) return new ClerkOutcome("ignored", "unknown user or organization");
        return await members.RemoveAsync(tenantId, userId, time.GetUtcNow(), ct) switch
        {
            MembershipResult.Done => new ClerkOutcome("removed"),
            MembershipResult.LastOwner => new ClerkOutcome("refused", "the last owner cannot be removed"),
            _ => new ClerkOutcome("ignored", "not a member"),
        };
    }

    private async Task<string> EnsureTenantAsync(string orgId, string name, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var tenantId = NewId(now);
        await lifecycle.CreateTenantAsync(tenantId, name, now, ct);
        await sso.LinkTenantAsync(Provider, orgId, tenantId, now, ct);
        log.LogInformation("Clerk organization {OrgId} became tenant {TenantId}", orgId, tenantId);
        return tenantId;
    }

    private static (string OrgId, string? OrgName, string ClerkUserId) MembershipIds(JsonElement data)
    {
        var org = data.TryGetProperty("organization", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;
        var orgId = (org.ValueKind == JsonValueKind.Object ? Str(org, "id") : null) ?? throw new JsonException("data.organization.id missing");
        var user = data.TryGetProperty("public_user_data", out var u) && u.ValueKind == JsonValueKind.Object ? Str(u, "user_id") : null;
        return (orgId, Str(org, "name"), user ?? throw new JsonException("data.public_user_data.user_id missing"));
    }

    private static (string? Email, bool Verified) PrimaryEmail(JsonElement data)
    {
        var primary = Str(data, "primary_email_address_id");
        if (!data.TryGetProperty("email_addresses", out var list) || list.ValueKind != JsonValueKind.Array) return (null, false);
        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || (primary is not null && Str(entry, "id") != primary)) continue;
            var email = Str(entry, "email_address");
            if (string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal)) continue;
            var verified = entry.TryGetProperty("verification", out var v) && v.ValueKind == JsonValueKind.Object && Str(v, "status") == "verified";
            return (email.Trim().ToLowerInvariant(), verified);
        }
        return (null, false);
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string NewId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString();
}
