using Nextra.Modules.Common;
using Nextra.Modules.Marketplace.Signing;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// Publisher-held keys (R3): a publisher registers up to <see cref="MaxActive"/> Ed25519 public keys of its own and signs
/// packages locally (<c>nextra marketplace pack --sign</c>). A package so signed publishes without the custodial key, and the
/// registry still countersigns it on approval; a key signs only ids under its own tenant's handle.
/// </summary>
internal sealed class PublisherKeyService(IPublisherKeyStore keys, TimeProvider time)
{
    public const int MaxActive = 3;

    public async Task<PublisherKeyResponse> RegisterAsync(string tenantId, PublisherKeyRequest body, CancellationToken ct)
    {
        var text = body.PublicKey?.Trim() ?? "";
        var pub = new byte[32];
        if (!Convert.TryFromBase64String(text, pub, out var length) || length != 32)
            throw MarketplaceErrors.Invalid("publicKey", "publicKey is a base64 Ed25519 public key (32 bytes), e.g. the publicKey of nextra marketplace keygen's key file.");
        var name = string.IsNullOrWhiteSpace(body.Name) ? "key" : body.Name.Trim();
        if (name.Length > 64)
            throw MarketplaceErrors.Invalid("name", "A key name is at most 64 characters.");
        var row = new PublisherKeyRow
        {
            KeyId = Ed25519Keys.KeyId(pub), TenantId = tenantId, PublicKey = Convert.ToBase64String(pub), Name = name,
            CreatedAt = SqliteCommands.Iso(time.GetUtcNow()),
        };
        return await keys.AddAsync(row, MaxActive, ct) switch
        {
            PublisherKeyAdd.Added => ToResponse(row),
            PublisherKeyAdd.Exists => throw ApiException.Conflict($"Key {row.KeyId} is registered already (a key belongs to one publisher, and a revoked key stays revoked)."),
            _ => throw ApiException.Conflict($"A publisher has at most {MaxActive} active keys; revoke one first (DELETE /api/marketplace/publisher/keys/KEY_ID)."),
        };
    }

    public async Task<PublisherKeyResponse[]> ListAsync(string tenantId, CancellationToken ct) => [.. (await keys.ListAsync(tenantId, ct)).Select(ToResponse)];

    public async Task RevokeAsync(string tenantId, string keyId, CancellationToken ct)
    {
        if (!await keys.RevokeAsync(tenantId, keyId, SqliteCommands.Iso(time.GetUtcNow()), ct))
            throw ApiException.NotFound($"Active publisher key {keyId}");
    }

    /// <summary>
    /// Checks a package the publisher signed with its own key, for <paramref name="id"/>@<paramref name="version"/> with this
    /// artifact and permissions hash: the key is this tenant's and not revoked, the signature verifies over the statement, and
    /// the statement names exactly this package. Returns the key.
    /// </summary>
    public async Task<PublisherKeyRow> VerifyAsync(string tenantId, string id, string version, string kind, string file, byte[] content, string permissionsHash,
        PackageSignature signed, CancellationToken ct)
    {
        var key = await keys.GetAsync(signed.SignerKeyId ?? "", ct);
        if (key is null || key.TenantId != tenantId)
            throw PackageVerifier.Refused(MarketplaceErrors.SignatureInvalid,
                $"{id}@{version} is signed by key {signed.SignerKeyId}, which is not registered for this publisher (POST /api/marketplace/publisher/keys).");
        if (key.RevokedAt is not null)
            throw PackageVerifier.Refused(MarketplaceRegistry.KeyRevoked, $"{id}@{version} is signed by key {key.KeyId}, revoked at {key.RevokedAt}; sign it with an active key.");
        if (!Ed25519Keys.Verify(Convert.FromBase64String(key.PublicKey), PackageStatement.PublisherMessage(signed.Statement ?? ""), Base64(signed.Signature)))
            throw PackageVerifier.Refused(MarketplaceErrors.SignatureInvalid, $"{id}@{version}: the signature by key {key.KeyId} does not verify over the statement; the package was altered after signing.");
        Dictionary<string, string> files;
        string statementId;
        try
        {
            statementId = PackageStatement.Field(signed.Statement!, "id");
            files = new Dictionary<string, string>(PackageStatement.Files(signed.Statement!));
            if (PackageStatement.Field(signed.Statement!, "type") != "nextra.pkg/v1")
                throw new System.Text.Json.JsonException("type");
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw PackageVerifier.Refused(MarketplaceErrors.SignatureInvalid, $"{id}@{version}: signature.json's statement is not a nextra.pkg/v1 statement.");
        }
        if (statementId != id)
            throw PackageVerifier.Refused(MarketplaceErrors.NamespaceMismatch, $"The package is signed for {statementId}; a key of this publisher signs only {id.Split('/')[0]}/* (here {id}).");
        if (PackageStatement.Field(signed.Statement!, "version") != version || PackageStatement.Field(signed.Statement!, "kind") != kind)
            throw PackageVerifier.Refused(MarketplaceErrors.SignatureInvalid, $"The signed statement names another version or kind than manifest.json ({kind} {version}).");
        if (files.Count != 1 || !files.TryGetValue(file, out var digest) || digest != PackageStatement.Digest(content))
            throw PackageVerifier.Refused(MarketplaceErrors.DigestMismatch, kind == "flow"
                ? $"{id}@{version}: the signed digest is not the template's (sign the sanitized YAML, as nextra marketplace pack --sign does)."
                : $"{id}@{version}: {file} does not match its signed digest.");
        if (PackageStatement.Field(signed.Statement!, "permissions_sha256") != permissionsHash)
            throw PackageVerifier.Refused(MarketplaceErrors.DigestMismatch, $"{id}@{version}: the {(kind == "tool" ? "permissions" : "template header")} in manifest.json are not the signed ones.");
        return key;
    }

    private static byte[] Base64(string? text)
    {
        var bytes = new byte[64];
        return Convert.TryFromBase64String(text ?? "", bytes, out var n) && n == 64 ? bytes : [];
    }

    private static PublisherKeyResponse ToResponse(PublisherKeyRow k) => new(k.KeyId, k.PublicKey, k.Name, SqliteCommands.ParseIso(k.CreatedAt),
        k.RevokedAt is null ? null : SqliteCommands.ParseIso(k.RevokedAt));
}
