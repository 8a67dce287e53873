namespace Nextra.Modules.Marketplace.Stores;

// Store rows (never on the wire). Times are ISO-8601 UTC text on both providers (SqliteCommands.Iso).

/// <summary>A listing, <c>publisher/name</c>; <see cref="TenantId"/> is the publishing tenant ("" for the built-in <c>nextra</c> catalogue).</summary>
internal sealed class ListingRow
{
    public string Id { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Publisher { get; set; } = "";
    public string Name { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Summary { get; set; } = "";
    public string Readme { get; set; } = "";
    /// <summary>JSON array of category names.</summary>
    public string Categories { get; set; } = "[]";
    public string Visibility { get; set; } = "public";
    public string ReviewLevel { get; set; } = "community";
    /// <summary>The newest published version; null while none is published (not listed).</summary>
    public string? LatestVersion { get; set; }
    public long Installs { get; set; }
    public long VotesUp { get; set; }
    public long VotesDown { get; set; }
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
}

/// <summary>One immutable version: its bytes, the publisher's signed statement and the registry's countersignature.</summary>
internal sealed class VersionRow
{
    public string ListingId { get; set; } = "";
    public string Version { get; set; } = "";
    /// <summary>queued (manual review) | published | rejected | revoked.</summary>
    public string State { get; set; } = "queued";
    /// <summary>JSON: a tool's permissions, or a template's {inputs, secrets, tools}.</summary>
    public string Manifest { get; set; } = "{}";
    /// <summary>tool.wasm bytes, or the template's organism.yaml in UTF-8.</summary>
    public byte[] Content { get; set; } = [];
    public string Digest { get; set; } = "";
    public string Statement { get; set; } = "";
    public string Signature { get; set; } = "";
    public string SignerKeyId { get; set; } = "";
    public string? Approval { get; set; }
    public string? Countersignature { get; set; }
    public string? CounterKeyId { get; set; }
    public string CreatedAt { get; set; } = "";
    /// <summary>
    /// The publisher's public key (base64) of a version imported from another server's signed <c>.ntpkg</c>; null when it was
    /// published here (the key is then the local publisher's, or the registry's for the built-in catalogue).
    /// </summary>
    public string? PublisherKey { get; set; }
}

/// <summary>A tenant's publisher handle and its custodial signing key (private key encrypted like a secret).</summary>
internal sealed class PublisherRow
{
    public string TenantId { get; set; } = "";
    public string Handle { get; set; } = "";
    public bool Published { get; set; }
    public string KeyId { get; set; } = "";
    public string PublicKey { get; set; } = "";
    public byte[] PrivateKey { get; set; } = [];
    public string CreatedAt { get; set; } = "";
}

/// <summary>A named server key (the registry's countersigning key), shared by every instance through the database.</summary>
internal sealed class ServerKeyRow
{
    public string Name { get; set; } = "";
    public string KeyId { get; set; } = "";
    public string PublicKey { get; set; } = "";
    public byte[] PrivateKey { get; set; } = [];
    public string CreatedAt { get; set; } = "";
}

internal sealed class SubmissionRow
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string ListingId { get; set; } = "";
    public string Version { get; set; } = "";
    /// <summary>checks | queued | published | rejected.</summary>
    public string State { get; set; } = "checks";
    /// <summary>JSON array of {name, ok, detail}.</summary>
    public string Checks { get; set; } = "[]";
    public string CreatedAt { get; set; } = "";
}

/// <summary>A tool or template version installed into a tenant, pinned to its digest and granted permissions.</summary>
internal sealed class InstallRow
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string ListingId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Version { get; set; } = "";
    public string Major { get; set; } = "";
    public string Digest { get; set; } = "";
    public string Permissions { get; set; } = "{}";
    public string PermissionsHash { get; set; } = "";
    public string SecretBindings { get; set; } = "{}";
    public bool AutoUpdate { get; set; }
    /// <summary>A newer version waiting for the tenant's approval because it widens permissions.</summary>
    public string? PendingVersion { get; set; }
    /// <summary>The version before the last upgrade, for a one-click rollback.</summary>
    public string? PreviousVersion { get; set; }
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
}

/// <summary>
/// A tenant's vote on a listing and its optional review text. <see cref="Id"/> names the review to reporters and operators
/// (kept when the vote is replaced). It counts in the listing's totals from <see cref="CountsAt"/> (the tenant is old enough,
/// R7); until then <see cref="Counted"/> is false (held). <see cref="HiddenAt"/>: hidden after 3 reports from distinct tenants.
/// </summary>
internal sealed class VoteRow
{
    public string Id { get; set; } = "";
    public string ListingId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public bool Up { get; set; }
    public string? Text { get; set; }
    public string CreatedAt { get; set; } = "";
    public string CountsAt { get; set; } = "";
    public bool Counted { get; set; } = true;
    public string? HiddenAt { get; set; }
    /// <summary>Reports from distinct tenants since the last restore (read only).</summary>
    public long Reports { get; set; }
    /// <summary>The publisher's one reply (R7), and when.</summary>
    public string? Reply { get; set; }
    public string? ReplyAt { get; set; }
}

/// <summary>A tenant's report of a review (R7: hidden after 3 from distinct tenants), one per tenant and review (a repeat replaces it).</summary>
internal sealed class ReviewReportRow
{
    public string ReviewId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Reason { get; set; } = "";
    public string? Text { get; set; }
    public string CreatedAt { get; set; } = "";
}

/// <summary>What a review report did: the review's distinct reporters now, whether it is hidden, and whether this was the tenant's first report of it.</summary>
internal sealed record ReviewReportOutcome(long Reports, bool Hidden, bool First);

/// <summary>A search hit: the listing, the provider's text relevance (higher is better; 1 without a query) and active tenants in 30 days.</summary>
internal sealed record ListingHit(ListingRow Listing, double TextScore, long ActiveTenants, string? LatestManifest = null);

/// <summary>A flow created from a template (R6): which version, its inputs (JSON object) and the tenant secrets it needs (JSON array, after the bindings).</summary>
internal sealed class TemplateFlowRow
{
    public string TenantId { get; set; } = "";
    public string FlowId { get; set; } = "";
    public string ListingId { get; set; } = "";
    public string Version { get; set; } = "";
    public string Digest { get; set; } = "";
    public string Inputs { get; set; } = "{}";
    public string Secrets { get; set; } = "[]";
    public string CreatedAt { get; set; } = "";
}

/// <summary>One entry of the revocation list (R3): <see cref="Kind"/> key (a key id), digest (sha256:…) or version (publisher/name@version, or @* for every version).</summary>
internal sealed class RevocationRow
{
    public string Kind { get; set; } = "";
    public string Value { get; set; } = "";
    public string Reason { get; set; } = "";
    public string At { get; set; } = "";
}

/// <summary>An abuse report on a listing (R5), one per tenant and listing (a repeat replaces it).</summary>
internal sealed class ReportRow
{
    public string ListingId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Reason { get; set; } = "";
    public string? Text { get; set; }
    public string CreatedAt { get; set; } = "";
}

/// <summary>A publisher's view of one of its listings: installs, votes, tenants active since a day, abuse reports.</summary>
internal sealed record ListingStatsRow(string ListingId, string Kind, string? LatestVersion, string Visibility, long Installs, long VotesUp, long VotesDown,
    long ActiveTenants, long Reports);
