namespace Nextra.Modules.Marketplace;

// Wire records of publisher-held keys, one version's page and review replies (docs/api.md, Marketplace).

/// <summary><c>POST /api/marketplace/publisher/keys</c>: a base64 Ed25519 public key (from <c>nextra marketplace keygen</c>) and a name.</summary>
public sealed record PublisherKeyRequest(string? PublicKey, string? Name);

/// <summary>A registered publisher key; <see cref="RevokedAt"/> once revoked (it then signs nothing new).</summary>
public sealed record PublisherKeyResponse(string KeyId, string PublicKey, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// The key file <c>nextra marketplace keygen</c> writes and <c>nextra marketplace pack --sign</c> reads (keep it private: it
/// holds the private key). <see cref="Publisher"/> is the handle the key signs for.
/// </summary>
public sealed record PublisherKeyFile(string Type, string? Publisher, string KeyId, string PublicKey, string PrivateKey)
{
    public const string CurrentType = "nextra.publisher-key/v1";
}

/// <summary>A signature on a version: who signed (key id, and for the publisher's: custodial, publisher-held, imported, or the registry for the built-in catalogue) and the signature.</summary>
public sealed record VersionSignatureView(string Role, string KeyId, string Signature, string? KeyKind = null, string? Document = null);

/// <summary>Where a staged auto-update of this version stands (R4): first (the first 10% of tenants), complete, or halted (why).</summary>
public sealed record RolloutView(string State, DateTimeOffset StartedAt, DateTimeOffset? RestAfter, string? Detail);

/// <summary><c>GET /api/marketplace/{tools|flows}/{publisher}/{name}/versions/{version}</c>.</summary>
public sealed record VersionDetail(string Id, string Kind, string Version, string State, string ReviewLevel, string Digest, DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt, ToolPermissions? Permissions, string[] PermissionSummary, TemplateInput[] Inputs, string[] Secrets, string[] Tools,
    string Statement, VersionSignatureView[] Signatures, RolloutView? Rollout);

/// <summary><c>POST …/reviews/{reviewId}/reply</c>: the publisher's one reply to a review.</summary>
public sealed record ReviewReplyRequest(string? Text);

public sealed record ReviewReplyResponse(string ReviewId, string Reply, DateTimeOffset RepliedAt);
