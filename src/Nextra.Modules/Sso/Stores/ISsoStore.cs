namespace Nextra.Modules.Sso.Stores;

/// <summary>
/// Single sign-on state (SQLite and Postgres): tenant-configured providers and the <c>sso_required</c> setting (scoped by
/// tenant), sign-ins under way, once-only ids and linked identities. Provider lookup by name alone is the one unscoped
/// read: the anonymous routes <c>/oidc/{name}/…</c> and <c>/saml/{name}/…</c> name a provider before any tenant is known.
/// </summary>
internal interface ISsoStore
{
    /// <summary>Records a sign-in under way; also sweeps requests and once-only ids that have expired.</summary>
    Task SaveRequestAsync(SsoRequestRow row, DateTimeOffset now, CancellationToken ct);

    /// <summary>Removes and returns the request: null when unknown, already taken, or expired at <paramref name="now"/>.</summary>
    Task<SsoRequestRow?> TakeRequestAsync(string id, DateTimeOffset now, CancellationToken ct);

    /// <summary>True the first time (<paramref name="kind"/>, <paramref name="id"/>) is seen, false ever after (until it expires).</summary>
    Task<bool> TryUseOnceAsync(string kind, string id, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Forgets a once-only id, so a delivery whose processing failed can be retried.</summary>
    Task ReleaseOnceAsync(string kind, string id, CancellationToken ct);

    /// <summary>The tenant made from an outside organization.</summary>
    Task<string?> FindTenantLinkAsync(string provider, string externalId, CancellationToken ct);

    Task LinkTenantAsync(string provider, string externalId, string tenantId, DateTimeOffset at, CancellationToken ct);

    /// <summary>The local user linked to a provider's subject.</summary>
    Task<string?> FindIdentityAsync(string provider, string subject, CancellationToken ct);

    /// <summary>Links (or re-links) a provider's subject to a local user and records the sign-in.</summary>
    Task LinkIdentityAsync(string provider, string subject, string userId, DateTimeOffset at, CancellationToken ct);

    Task<IReadOnlyList<SsoProviderRow>> ListProvidersAsync(string tenantId, CancellationToken ct);

    /// <summary>A tenant-configured provider by its global name (the unscoped read the anonymous sign-in routes need).</summary>
    Task<SsoProviderRow?> FindProviderAsync(string name, CancellationToken ct);

    /// <summary>Creates or replaces the tenant's provider; false when another tenant holds the name.</summary>
    Task<bool> UpsertProviderAsync(SsoProviderRow row, CancellationToken ct);

    Task<bool> DeleteProviderAsync(string tenantId, string name, CancellationToken ct);

    Task<bool> IsSsoRequiredAsync(string tenantId, CancellationToken ct);

    Task SetSsoRequiredAsync(string tenantId, bool required, DateTimeOffset at, CancellationToken ct);
}
