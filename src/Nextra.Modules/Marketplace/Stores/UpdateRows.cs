namespace Nextra.Modules.Marketplace.Stores;

/// <summary>A publisher's own Ed25519 public key (R3): it signs packages under the tenant's handle until revoked.</summary>
internal sealed class PublisherKeyRow
{
    public string KeyId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string PublicKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string? RevokedAt { get; set; }
}

/// <summary>What registering a key did: added, the key id exists already (this tenant's or another's), or the tenant has its maximum of active keys.</summary>
internal enum PublisherKeyAdd
{
    Added,
    Exists,
    Full,
}

/// <summary>
/// A staged auto-update of one listing version (R4): <c>first</c> while the first stage soaks, then <c>complete</c> (the rest
/// moved) or <c>halted</c> (the first stage's failure rate rose; <see cref="Detail"/> says by how much).
/// </summary>
internal sealed class RolloutRow
{
    public string ListingId { get; set; } = "";
    public string Version { get; set; } = "";
    public string Major { get; set; } = "";
    public string StartedAt { get; set; } = "";
    public string State { get; set; } = "first";
    public string? Detail { get; set; }
    public string? DecidedAt { get; set; }
}
