namespace Nextra.Modules.Marketplace.Stores;

/// <summary>Publisher-held signing keys (R3). Key ids are unique across the server: one key belongs to one publisher.</summary>
internal interface IPublisherKeyStore
{
    /// <summary>Adds the key unless its id exists or the tenant already has <paramref name="maxActive"/> keys not revoked (checked in the same statement or transaction).</summary>
    Task<PublisherKeyAdd> AddAsync(PublisherKeyRow row, int maxActive, CancellationToken ct);
    /// <summary>The tenant's keys, revoked ones included, oldest first.</summary>
    Task<IReadOnlyList<PublisherKeyRow>> ListAsync(string tenantId, CancellationToken ct);
    /// <summary>A key by id, whatever its tenant (signature verification).</summary>
    Task<PublisherKeyRow?> GetAsync(string keyId, CancellationToken ct);
    /// <summary>Marks the tenant's key revoked at <paramref name="at"/>; false when it has no such key or it was already revoked.</summary>
    Task<bool> RevokeAsync(string tenantId, string keyId, string at, CancellationToken ct);
}
