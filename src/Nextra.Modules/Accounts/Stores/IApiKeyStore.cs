namespace Nextra.Modules.Accounts.Stores;

/// <summary>API keys; only digests are stored.</summary>
internal interface IApiKeyStore
{
    Task InsertAsync(ApiKeyRow key, CancellationToken ct);

    Task<IReadOnlyList<ApiKeyRow>> ListAsync(string tenantId, string userId, CancellationToken ct);

    /// <summary>Unrevoked keys with this prefix, joined with their user (usually one).</summary>
    Task<IReadOnlyList<PrincipalRow>> FindActiveByPrefixAsync(string prefix, CancellationToken ct);

    Task<bool> RevokeAsync(string tenantId, string userId, string id, string at, CancellationToken ct);

    /// <summary>Every unrevoked key of the tenant with its owner's email (admins manage them all).</summary>
    Task<IReadOnlyList<ApiKeyRow>> ListTenantAsync(string tenantId, CancellationToken ct);

    /// <summary>Revokes any key of the tenant, whoever owns it.</summary>
    Task<bool> RevokeAnyAsync(string tenantId, string id, string at, CancellationToken ct);

    Task TouchAsync(string id, string at, CancellationToken ct);
}
