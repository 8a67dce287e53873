using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts.Stores;

/// <summary>Tenants and users. Every user lookup after login is scoped by tenant.</summary>
public interface IAccountStore
{
    Task<bool> AnyUserAsync(CancellationToken ct);

    /// <summary>Inserts the tenant and its first user atomically; false when <paramref name="onlyIfNoUsers"/> and a user exists.</summary>
    Task<bool> CreateTenantWithUserAsync(TenantRow tenant, UserRow user, bool onlyIfNoUsers, CancellationToken ct);

    /// <summary>
    /// Adds a user to an existing tenant; false (nothing added) when the tenant already has <paramref name="maxMembers"/>
    /// users (null = no limit); throws a 409 ApiException when the email is taken.
    /// </summary>
    Task<bool> InsertUserAsync(UserRow user, long? maxMembers, CancellationToken ct);

    Task<TenantRow?> FindTenantByNameAsync(string name, CancellationToken ct);

    Task<UserRow?> FindUserByEmailAsync(string email, CancellationToken ct);

    Task<PrincipalRow?> FindPrincipalAsync(string tenantId, string userId, CancellationToken ct);

    Task<UserRow?> FindUserAsync(string tenantId, string userId, CancellationToken ct);

    Task UpdatePasswordAsync(string tenantId, string userId, string passwordHash, string at, CancellationToken ct);
}
