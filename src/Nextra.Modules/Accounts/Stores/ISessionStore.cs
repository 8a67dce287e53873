namespace Nextra.Modules.Accounts.Stores;

/// <summary>Browser sessions, keyed by the SHA-256 of the cookie value.</summary>
internal interface ISessionStore
{
    Task InsertAsync(SessionRow session, CancellationToken ct);

    /// <summary>The session's principal when it exists and has not expired at <paramref name="now"/>.</summary>
    Task<PrincipalRow?> FindAsync(string tokenHash, string now, CancellationToken ct);

    /// <summary>Points the session at another tenant (the caller checked the membership).</summary>
    Task<bool> SwitchTenantAsync(string tokenHash, string tenantId, CancellationToken ct);

    Task DeleteAsync(string tokenHash, CancellationToken ct);

    /// <summary>Ends every other session of a user (after a password change).</summary>
    Task DeleteOthersAsync(string tenantId, string userId, string keepTokenHash, CancellationToken ct);

    Task<int> DeleteExpiredAsync(string now, CancellationToken ct);
}
