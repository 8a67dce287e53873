namespace Nextra.Modules.Accounts;

/// <summary>
/// Changes to people and tenants made from outside Nextra's own pages: Clerk's user sync (SQLite and Postgres).
/// Every method names the row it changes by id; the caller found that id through its own link table.
/// </summary>
public interface IUserLifecycle
{
    /// <summary>Changes a user's email (stored lowercased); false when another user has it or the user is unknown.</summary>
    Task<bool> SetEmailAsync(string userId, string email, DateTimeOffset at, CancellationToken ct);

    /// <summary>Sets a display name.</summary>
    Task SetNameAsync(string userId, string? name, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// Disables a user everywhere: <c>disabled_at</c> set, every session ended and every API key revoked, in one
    /// transaction. False when the user is unknown.
    /// </summary>
    Task<bool> DisableAsync(string userId, DateTimeOffset at, CancellationToken ct);

    /// <summary>Creates a tenant with no member yet (on the default tier); its first member is added through <see cref="IMembershipStore"/>.</summary>
    Task CreateTenantAsync(string tenantId, string name, DateTimeOffset at, CancellationToken ct);

    /// <summary>Renames a tenant; false when unknown.</summary>
    Task<bool> RenameTenantAsync(string tenantId, string name, CancellationToken ct);

    /// <summary>Deletes a tenant and, by cascade, everything it owns (memberships, flows, secrets…); false when unknown.</summary>
    Task<bool> DeleteTenantAsync(string tenantId, CancellationToken ct);
}
