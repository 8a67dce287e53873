using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Sso.Stores;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Sso;

/// <summary>Who signed in at a provider, after the provider's proof was verified.</summary>
internal sealed record SsoIdentity(string Provider, string Subject, string Email, IReadOnlyList<string> Groups);

/// <summary>Where and how a provider's users land in Nextra.</summary>
internal sealed record SsoLanding(string Tenant, string? TenantId, bool AutoProvision, Role Role);

/// <summary>
/// Links a verified SSO identity to a local user by email, provisioning just in time when the provider allows it:
/// a new user joins the provider's tenant with the role of their groups (or the default role); a new tenant's first
/// user is its owner. Existing users keep their role.
/// </summary>
internal sealed class SsoSignIn(IAccountStore accounts, IMembershipStore members, ISsoStore sso, ITierLimits tiers, TimeProvider time)
{
    /// <summary>Marks users created by SSO: no password verifies against it (it is not a PBKDF2 record).</summary>
    public const string NoPassword = "sso:no-password";

    public async Task<AuthenticatedUser> SignInAsync(SsoIdentity identity, SsoLanding landing, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var tenantId = landing.TenantId;
        if (tenantId is null && landing.Tenant.Length > 0)
        {
            tenantId = (await accounts.FindTenantByNameAsync(landing.Tenant, ct))?.Id;
        }
        var user = await accounts.FindUserByEmailAsync(identity.Email, ct);
        AuthenticatedUser signedIn;
        if (user is not null)
        {
            var target = tenantId ?? user.TenantId;
            var principal = await accounts.FindPrincipalAsync(target, user.Id, ct);
            if (principal is null && tenantId is not null && landing.AutoProvision)
            {
                // An existing person (another tenant's member) joins the provider's tenant.
                var limits = await tiers.ForTenantAsync(tenantId, ct);
                switch (await members.AddAsync(tenantId, user.Id, landing.Role, now, limits.TeamMembers, ct))
                {
                    case MembershipResult.QuotaExceeded:
                        throw new SsoException("quota_exceeded", $"The tenant has reached its {limits.TeamMembers} members; ask an admin to upgrade or remove someone.");
                    case MembershipResult.Done or MembershipResult.AlreadyMember:
                        principal = await accounts.FindPrincipalAsync(tenantId, user.Id, ct);
                        break;
                }
            }
            if (principal is null)
            {
                throw new SsoException("not_member", $"{identity.Email} is not a member of the tenant (or is disabled); ask its admin to invite you.");
            }
            signedIn = AccountRows.ToUser(principal, "cookie");
        }
        else if (!landing.AutoProvision)
        {
            throw new SsoException("not_provisioned", $"No account for {identity.Email}; ask an admin to invite you (the provider does not create accounts).");
        }
        else if (tenantId is null)
        {
            var tenant = new TenantRow
            {
                Id = NewId(now),
                Name = landing.Tenant.Length > 0 ? landing.Tenant : identity.Email,
                CreatedAt = AccountRows.Iso(now),
            };
            var row = NewUser(tenant.Id, identity.Email, Role.Owner, now);
            await accounts.CreateTenantWithUserAsync(tenant, row, onlyIfNoUsers: false, ct);
            signedIn = new AuthenticatedUser(row.Id, tenant.Id, tenant.Name, row.Email, Role.Owner) { Scheme = "cookie" };
        }
        else
        {
            var row = NewUser(tenantId, identity.Email, landing.Role, now);
            var limits = await tiers.ForTenantAsync(tenantId, ct);
            if (!await accounts.InsertUserAsync(row, limits.TeamMembers, ct))
            {
                throw new SsoException("quota_exceeded", $"The tenant has reached its {limits.TeamMembers} members; ask an admin to upgrade or remove someone.");
            }
            var principal = await accounts.FindPrincipalAsync(tenantId, row.Id, ct)
                ?? throw new SsoException("not_member", $"{identity.Email} has no access to the tenant.");
            signedIn = AccountRows.ToUser(principal, "cookie");
        }
        await sso.LinkIdentityAsync(identity.Provider, identity.Subject, signedIn.UserId, now, ct);
        return signedIn;
    }

    private static UserRow NewUser(string tenantId, string email, Role role, DateTimeOffset now) => new()
    {
        Id = NewId(now),
        TenantId = tenantId,
        Email = email,
        PasswordHash = NoPassword,
        Role = role.ToWire(),
        CreatedAt = AccountRows.Iso(now),
        UpdatedAt = AccountRows.Iso(now),
    };

    private static string NewId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString();
}
