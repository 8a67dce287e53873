using System.Text.Json;
using Nextra.Modules.Common;
using Nextra.Modules.Marketplace.Signing;
using Nextra.Modules.Marketplace.Stores;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// The install and load checks of R3 on a stored version, in order, each failure with its own code: the publisher signature
/// (by the key that owns the id's namespace, or the key an imported package carries) over the statement, verified before the statement is parsed; the registry
/// countersignature by a trusted key; then the file and permission digests against the stored bytes; then revocation
/// (the version's state and the revocation list: <c>tool_revoked</c>, or <c>key_revoked</c> for a revoked signing key).
/// </summary>
internal sealed class PackageVerifier(IMarketplaceStore store, MarketplaceKeys keys, MarketplaceRegistry registry, IPublisherKeyStore heldKeys)
{
    public const string SystemTenant = "";

    public async Task VerifyAsync(ListingRow listing, VersionRow version, CancellationToken ct)
    {
        var label = $"{listing.Id}@{version.Version}";
        // 1. The publisher's signature, by the key bound to the namespace (the built-in catalogue is signed by the registry key).
        // An imported version (another server's signed .ntpkg) carries its publisher's key, which the trusted countersignature
        // below vouches for; a local publisher holding that handle under another key owns the namespace here.
        byte[] publisherKey;
        if (await heldKeys.GetAsync(version.SignerKeyId, ct) is { } held && version.PublisherKey == held.PublicKey)
        {
            // A key the publisher holds itself: registered by the tenant that owns the namespace; versions it signed before it
            // was revoked stay valid (the server's receipt time, not the signed one, decides).
            if (held.TenantId != listing.TenantId || await store.GetPublisherAsync(held.TenantId, ct) is not { } owner || owner.Handle != listing.Publisher)
                throw Refused(MarketplaceErrors.NamespaceMismatch, $"{label}: key {held.KeyId} belongs to another publisher; it may not sign {listing.Id}.");
            if (held.RevokedAt is { } revokedAt && string.CompareOrdinal(revokedAt, version.CreatedAt) <= 0)
                throw Refused(MarketplaceRegistry.KeyRevoked, $"{label} is signed by key {held.KeyId}, revoked at {revokedAt} before this version was received.");
            publisherKey = Base64(held.PublicKey);
        }
        else if (version.PublisherKey is { Length: > 0 } imported)
        {
            if (await store.FindPublisherByHandleAsync(listing.Publisher, ct) is { } local && local.PublicKey != imported)
                throw Refused(MarketplaceErrors.NamespaceMismatch, $"{label}: the namespace '{listing.Publisher}' belongs to a publisher of this server; a key of another server may not sign {listing.Id}.");
            publisherKey = Base64(imported);
        }
        else if (listing.TenantId == SystemTenant)
            publisherKey = Convert.FromBase64String((await keys.ServerKeyAsync(ct)).PublicKey);
        else if (await store.FindPublisherByHandleAsync(listing.Publisher, ct) is { } publisher && publisher.TenantId == listing.TenantId)
            publisherKey = Convert.FromBase64String(publisher.PublicKey);
        else
            throw Refused(MarketplaceErrors.NamespaceMismatch, $"{label}: the namespace '{listing.Publisher}' belongs to another publisher; its key may not sign {listing.Id}.");
        if (Ed25519Keys.KeyId(publisherKey) != version.SignerKeyId
            || !Ed25519Keys.Verify(publisherKey, PackageStatement.PublisherMessage(version.Statement), Base64(version.Signature)))
            throw Refused(MarketplaceErrors.SignatureInvalid, $"{label}: the publisher signature (key {version.SignerKeyId}) does not verify; the package was altered or signed by another key.");
        // 2. The registry's countersignature, by a trusted key, over an approval naming this very statement.
        var trusted = await keys.TrustedAsync(ct);
        if (version.Approval is not { } approval || version.Countersignature is not { } counter || version.CounterKeyId is not { } counterKey)
            throw Refused(MarketplaceErrors.SignatureInvalid, $"{label}: it has no registry countersignature (it was never approved).");
        if (!trusted.TryGetValue(counterKey, out var registryKey))
            throw Refused(MarketplaceErrors.SignatureInvalid, $"{label}: countersigned by key {counterKey}, which this server does not trust; "
                + "add that registry's public key (its GET /api/marketplace/keys.json or nextra marketplace keys) to [marketplace] trusted_keys.");
        if (!Ed25519Keys.Verify(registryKey, PackageStatement.ApprovalMessage(approval), Base64(counter)))
            throw Refused(MarketplaceErrors.SignatureInvalid, $"{label}: the countersignature by key {counterKey} does not verify; the approval was altered.");
        if (ApprovalField(approval, "statement_sha256") != PackageStatement.Digest(version.Statement))
            throw Refused(MarketplaceErrors.SignatureInvalid, $"{label}: the approval is for another statement.");
        // 3. Only now parse the (authentic) statement, and hold the stored bytes to it.
        if (PackageStatement.Field(version.Statement, "id") != listing.Id || PackageStatement.Field(version.Statement, "version") != version.Version)
            throw Refused(MarketplaceErrors.SignatureInvalid, $"{label}: the signed statement names another package.");
        var files = PackageStatement.Files(version.Statement);
        var file = files.Keys.FirstOrDefault(k => k is "tool.wasm" or "tool.wat" or "organism.yaml");
        if (file is null || files[file] != PackageStatement.Digest(version.Content) || version.Digest != files[file])
            throw Refused(MarketplaceErrors.DigestMismatch, $"{label}: the stored {file ?? "artifact"} does not match its signed digest; it was altered after signing.");
        if (listing.Kind == "tool" && PackageStatement.Field(version.Statement, "permissions_sha256") != ToolPermissionsOf(version).Hash())
            throw Refused(MarketplaceErrors.DigestMismatch, $"{label}: the stored permissions do not match the signed ones.");
        if (listing.Kind == "flow" && PackageStatement.Field(version.Statement, "permissions_sha256") != PackageStatement.Digest(version.Manifest))
            throw Refused(MarketplaceErrors.DigestMismatch, $"{label}: the stored template header (inputs, secrets, tools) does not match the signed one.");
        // 4. Revocation: the version's state, then the revocation list (its id and version, its digest, either signing key).
        if (version.State == "revoked")
            throw Refused(MarketplaceErrors.ToolRevoked, $"{label} was revoked by the marketplace; use another version.");
        if (await registry.FindAsync(listing.Id, version.Version, version.Digest, [version.SignerKeyId, version.CounterKeyId], ct) is { } revoked)
            throw revoked.Kind == "key"
                ? Refused(MarketplaceRegistry.KeyRevoked, $"{label} is signed by the revoked key {revoked.Value} ({revoked.Reason}); nothing it signed installs or loads.")
                : Refused(MarketplaceErrors.ToolRevoked, $"{label} is revoked ({revoked.Kind} {revoked.Value}: {revoked.Reason}); use another version.");
    }

    public static ToolPermissions ToolPermissionsOf(VersionRow version) =>
        JsonSerializer.Deserialize(version.Manifest, MarketplaceJsonContext.Default.ToolPermissions) ?? new ToolPermissions();

    private static byte[] Base64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private static string ApprovalField(string approval, string name)
    {
        try
        {
            return PackageStatement.Field(approval, name);
        }
        catch (JsonException)
        {
            return "";
        }
    }

    public static ApiException Refused(string code, string detail) => new(422, code, code switch
    {
        MarketplaceErrors.DigestMismatch => "Digest mismatch",
        MarketplaceErrors.ToolRevoked => "Tool revoked",
        MarketplaceRegistry.KeyRevoked => "Key revoked",
        MarketplaceErrors.NamespaceMismatch => "Namespace mismatch",
        _ => "Signature invalid",
    }, detail);
}
