using Microsoft.Extensions.Options;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Accounts;

/// <summary>Setup, users, passwords and sessions. Used by the HTTP endpoints and the CLI alike.</summary>
internal sealed class AccountService(
    IAccountStore accounts,
    ISessionStore sessions,
    IMembershipStore memberships,
    PasswordHasher hasher,
    SetupTokens setupTokens,
    IOptions<AccountsOptions> options,
    ITierLimits tiers,
    TimeProvider time) : ISessionStarter
{
    public const string DefaultTenantName = "Default";

    public async Task<bool> SetupNeededAsync(CancellationToken ct) => !await accounts.AnyUserAsync(ct);

    /// <summary>Creates the first tenant and its owner; the token comes from the printed setup link.</summary>
    public async Task<AuthenticatedUser> SetupAsync(string? token, string? email, string? password, string? tenantName, CancellationToken ct)
    {
        if (!await SetupNeededAsync(ct))
        {
            throw new ApiException(409, ErrorCodes.SetupDone, "Setup already done", "An owner account exists; sign in instead.");
        }
        var normalized = ValidateCredentials(email, password);
        if (!await setupTokens.TryConsumeAsync(token, ct))
        {
            throw new ApiException(403, ErrorCodes.InvalidSetupToken, "Invalid setup token",
                "Use the setup link printed by the server at start.");
        }
        var (tenant, user) = NewTenantAndUser(tenantName, normalized, password!, Role.Owner);
        if (!await accounts.CreateTenantWithUserAsync(tenant, user, onlyIfNoUsers: true, ct))
        {
            throw new ApiException(409, ErrorCodes.SetupDone, "Setup already done", "An owner account exists; sign in instead.");
        }
        return new AuthenticatedUser(user.Id, tenant.Id, tenant.Name, user.Email, Role.Owner);
    }

    /// <summary>
    /// CLI user creation: joins the tenant named <paramref name="tenantName"/> when it exists, else creates it
    /// (on <paramref name="tier"/> when given, else the default tier). Role defaults to owner for a new tenant
    /// and editor for an existing one. Joining is refused with 403 <c>quota_exceeded</c> past the tier's team members.
    /// </summary>
    public Task<AuthenticatedUser> CreateUserAsync(string? email, string? password, string? tenantName, Role? role, CancellationToken ct) =>
        CreateUserAsync(email, password, tenantName, role, tier: null, ct);

    /// <inheritdoc cref="CreateUserAsync(string?, string?, string?, Role?, CancellationToken)"/>
    public async Task<AuthenticatedUser> CreateUserAsync(string? email, string? password, string? tenantName, Role? role, string? tier, CancellationToken ct)
    {
        var normalized = ValidateCredentials(email, password);
        var name = string.IsNullOrWhiteSpace(tenantName) ? DefaultTenantName : tenantName.Trim();
        string? tierName = null;
        if (!string.IsNullOrWhiteSpace(tier))
        {
            tierName = tiers.Options.Find(tier)?.Name ?? throw Invalid("tier",
                $"Unknown tier '{tier.Trim()}'. Tiers: {string.Join(", ", tiers.Options.Tiers.Keys.Order())}.");
        }
        var existing = await accounts.FindTenantByNameAsync(name, ct);
        if (existing is null)
        {
            var (tenant, user) = NewTenantAndUser(name, normalized, password!, role ?? Role.Owner);
            tenant.Tier = tierName;
            await accounts.CreateTenantWithUserAsync(tenant, user, onlyIfNoUsers: false, ct);
            if (tierName is not null) await tiers.InvalidateAsync(ct);
            return new AuthenticatedUser(user.Id, tenant.Id, tenant.Name, user.Email, role ?? Role.Owner);
        }
        if (tierName is not null && !string.Equals(tierName, existing.Tier, StringComparison.Ordinal))
        {
            throw ApiException.Conflict($"Tenant '{existing.Name}' exists; change its tier with: nextra tenant set-tier --tenant \"{existing.Name}\" --tier {tierName}");
        }
        var member = NewUser(existing.Id, normalized, password!, role ?? Role.Editor);
        var limits = await tiers.ForTenantAsync(existing.Id, ct);
        if (!await accounts.InsertUserAsync(member, limits.TeamMembers, ct))
        {
            throw Quota.Members(limits);
        }
        return new AuthenticatedUser(member.Id, existing.Id, existing.Name, member.Email, role ?? Role.Editor);
    }

    public async Task<AuthenticatedUser?> VerifyLoginAsync(string? email, string? password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || password.Length > 1024)
        {
            return null;
        }
        var user = await accounts.FindUserByEmailAsync(NormalizeEmail(email), ct);
        if (user is null)
        {
            hasher.VerifyDummy(password);
            return null;
        }
        if (!hasher.Verify(password, user.PasswordHash))
        {
            return null;
        }
        // The home tenant when the user still belongs to it, else the oldest membership.
        var principal = await accounts.FindPrincipalAsync(user.TenantId, user.Id, ct);
        if (principal is null && (await memberships.ListTenantsOfAsync(user.Id, ct)).FirstOrDefault() is { } first)
        {
            principal = await accounts.FindPrincipalAsync(first.TenantId, user.Id, ct);
        }
        return principal is null ? null : ToUser(principal, "cookie");
    }

    /// <summary>Open sign-up: a new user with a personal tenant (named after them) on the default tier.</summary>
    public async Task<AuthenticatedUser> SignupAsync(string? email, string? password, string? name, CancellationToken ct)
    {
        var normalized = ValidateCredentials(email, password);
        var display = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        if (display is { Length: > 100 }) throw Invalid("name", "The name must be at most 100 characters.");
        var (tenant, user) = NewTenantAndUser((display ?? normalized) + "'s team", normalized, password!, Role.Owner);
        user.Name = display;
        await accounts.CreateTenantWithUserAsync(tenant, user, onlyIfNoUsers: false, ct);
        return new AuthenticatedUser(user.Id, tenant.Id, tenant.Name, user.Email, Role.Owner);
    }

    /// <summary>Points a browser session at another tenant of its user; returns the user as seen in that tenant.</summary>
    public async Task<AuthenticatedUser> SwitchTenantAsync(string token, string userId, string tenantId, CancellationToken ct)
    {
        var principal = await accounts.FindPrincipalAsync(tenantId, userId, ct)
            ?? throw ApiException.NotFound($"Tenant '{tenantId}' among your memberships");
        await sessions.SwitchTenantAsync(Tokens.Sha256Hex(token), tenantId, ct);
        return ToUser(principal, "cookie");
    }

    public async Task<AuthenticatedUser?> FindUserAsync(string tenantId, string userId, CancellationToken ct)
    {
        var principal = await accounts.FindPrincipalAsync(tenantId, userId, ct);
        return principal is null ? null : ToUser(principal, "");
    }

    public async Task ChangePasswordAsync(string tenantId, string userId, string? current, string? next, string? keepSessionHash, CancellationToken ct)
    {
        var user = await accounts.FindUserAsync(tenantId, userId, ct) ?? throw ApiException.Unauthorized();
        if (current is null || !hasher.Verify(current, user.PasswordHash))
        {
            throw new ApiException(403, ErrorCodes.InvalidCredentials, "Wrong password", "The current password is not correct.");
        }
        ValidatePassword(next);
        await accounts.UpdatePasswordAsync(tenantId, userId, hasher.Hash(next!), Now(), ct);
        // Whoever else held a session for this account is signed out.
        await sessions.DeleteOthersAsync(tenantId, userId, keepSessionHash ?? "", ct);
    }

    /// <summary>Starts a browser session; returns the cookie value and its CSRF token.</summary>
    public async Task<(string Token, string Csrf, DateTimeOffset Expires)> StartSessionAsync(AuthenticatedUser user, CancellationToken ct)
    {
        var token = Tokens.Random();
        var csrf = Tokens.Random();
        var now = time.GetUtcNow();
        var expires = now.AddDays(options.Value.SessionDays);
        await sessions.InsertAsync(new SessionRow
        {
            TokenHash = Tokens.Sha256Hex(token),
            TenantId = user.TenantId,
            UserId = user.UserId,
            Csrf = csrf,
            CreatedAt = Iso(now),
            ExpiresAt = Iso(expires),
        }, ct);
        return (token, csrf, expires);
    }

    public async Task<AuthenticatedUser?> FindSessionAsync(string token, CancellationToken ct)
    {
        var row = await sessions.FindAsync(Tokens.Sha256Hex(token), Now(), ct);
        return row is null ? null : ToUser(row, "cookie") with { Csrf = row.Csrf };
    }

    public Task EndSessionAsync(string token, CancellationToken ct) => sessions.DeleteAsync(Tokens.Sha256Hex(token), ct);

    internal static AuthenticatedUser ToUser(PrincipalRow row, string scheme) => AccountRows.ToUser(row, scheme);

    internal static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    internal static string Iso(DateTimeOffset at) => AccountRows.Iso(at);

    private string Now() => Iso(time.GetUtcNow());

    internal string ValidateCredentials(string? email, string? password)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254 || !email.Contains('@', StringComparison.Ordinal) || email.Trim().Contains(' ', StringComparison.Ordinal))
        {
            throw Invalid("email", "Enter a valid email address.");
        }
        ValidatePassword(password);
        return NormalizeEmail(email);
    }

    private void ValidatePassword(string? password)
    {
        var min = options.Value.MinPasswordLength;
        if (string.IsNullOrEmpty(password) || password.Length < min || password.Length > 1024)
        {
            throw Invalid("password", $"The password must be {min} to 1024 characters long.");
        }
    }

    internal static ApiException Invalid(string field, string message)
    {
        var ex = new ApiException(422, ErrorCodes.ValidationFailed, "Validation failed", message);
        ex.Extensions["errors"] = new[] { new FieldError(field, ErrorCodes.ValidationFailed, message) };
        return ex;
    }

    private (TenantRow Tenant, UserRow User) NewTenantAndUser(string? tenantName, string email, string password, Role role)
    {
        var tenant = new TenantRow
        {
            Id = NewId(),
            Name = string.IsNullOrWhiteSpace(tenantName) ? DefaultTenantName : tenantName.Trim(),
            CreatedAt = Now(),
        };
        return (tenant, NewUser(tenant.Id, email, password, role));
    }

    private UserRow NewUser(string tenantId, string email, string password, Role role) => new()
    {
        Id = NewId(),
        TenantId = tenantId,
        Email = email,
        PasswordHash = hasher.Hash(password),
        Role = role.ToWire(),
        CreatedAt = Now(),
        UpdatedAt = Now(),
    };

    private string NewId() => Guid.CreateVersion7(time.GetUtcNow()).ToString();
}
