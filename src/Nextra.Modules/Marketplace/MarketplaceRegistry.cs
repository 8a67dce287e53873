using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Marketplace;

/// <summary>One entry of the revocation list: <c>key</c> (a key id), <c>digest</c> (sha256:…) or <c>version</c> (publisher/name@version or @*).</summary>
public sealed record Revocation(string Kind, string Value, string Reason, string At);

/// <summary>A key the registry publishes (R3 keys.json): other servers and organisations add it to <c>[marketplace] trusted_keys</c>.</summary>
public sealed record RegistryKey(string KeyId, string PublicKey, string Role, string NotBefore, string? NotAfter);

/// <summary><c>GET /api/marketplace/keys.json</c>: the registry's public keys; <see cref="Signature"/> is Ed25519 by <see cref="KeyId"/> over
/// <c>"NEXTRA-KEYS-V1\n" || sha256(Document)</c>, where <see cref="Document"/> is the canonical JSON of the type, time and keys.</summary>
public sealed record KeysDocument(string Type, string IssuedAt, RegistryKey[] Keys, string Document, string KeyId, string Signature);

/// <summary><c>GET /api/marketplace/revoked.json</c>: revoked listings (id, version or *), key ids and digests, signed like <see cref="KeysDocument"/>
/// (prefix <c>"NEXTRA-REVOKED-V1\n"</c>).</summary>
public sealed record RevokedDocument(string Type, string IssuedAt, Revocation[] Revoked, string Document, string KeyId, string Signature);

/// <summary>An abuse report as the operator sees it (<c>nextra marketplace reports</c>).</summary>
public sealed record ReportItem(string ListingId, string TenantId, string Reason, string? Text, string CreatedAt);

/// <summary>
/// The registry side of R3 for offline and organisation use: the public keys to trust elsewhere (keys.json), the revocation
/// list (revoked.json; entries from <c>nextra marketplace revoke</c> and from <c>[marketplace] revoked</c>) that refuses
/// installs and loads, and the abuse reports. The CLI calls it, never HTTP, except for the two signed documents.
/// </summary>
public sealed partial class MarketplaceRegistry
{
    public const string KeyRevoked = "key_revoked";
    private static readonly byte[] KeysPrefix = "NEXTRA-KEYS-V1\n"u8.ToArray();
    private static readonly byte[] RevokedPrefix = "NEXTRA-REVOKED-V1\n"u8.ToArray();

    private readonly IMarketplaceStore _store;
    private readonly MarketplaceKeys _keys;
    private readonly IOptions<MarketplaceOptions> _options;
    private readonly TimeProvider _time;

    internal MarketplaceRegistry(IMarketplaceStore store, MarketplaceKeys keys, IOptions<MarketplaceOptions> options, TimeProvider time)
    {
        _store = store;
        _keys = keys;
        _options = options;
        _time = time;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*@([0-9]+\\.[0-9]+\\.[0-9]+|\\*)$")]
    private static partial Regex VersionTarget();

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestTarget();

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex KeyIdTarget();

    /// <summary>Parses a revocation target: <c>key:KEYID</c>, <c>sha256:HEX</c>, or <c>publisher/name@VERSION</c> / <c>@*</c>; null when it is none of them.</summary>
    public static (string Kind, string Value)? ParseTarget(string target)
    {
        target = target.Trim();
        if (target.StartsWith("key:", StringComparison.Ordinal) && KeyIdTarget().IsMatch(target[4..])) return ("key", target[4..]);
        if (DigestTarget().IsMatch(target)) return ("digest", target);
        if (VersionTarget().IsMatch(target)) return ("version", target);
        return null;
    }

    /// <summary>Adds <paramref name="target"/> to the revocation list; false when it was already there.</summary>
    public Task<bool> RevokeAsync(string target, string reason, CancellationToken ct)
    {
        var parsed = ParseTarget(target) ?? throw new ArgumentException(
            $"'{target}' is not a revocation target: give key:KEYID (16 hex digits), sha256:DIGEST (64 hex digits) or publisher/name@VERSION (or @* for every version).");
        if (string.IsNullOrWhiteSpace(reason))
            throw new ArgumentException("A revocation needs a reason (--reason \"...\"): installers see it.");
        return _store.AddRevocationAsync(new RevocationRow { Kind = parsed.Kind, Value = parsed.Value, Reason = reason.Trim(), At = SqliteCommands.Iso(_time.GetUtcNow()) }, ct);
    }

    /// <summary>The whole list: the store's entries, then <c>[marketplace] revoked</c> (reason "[marketplace] revoked").</summary>
    public async Task<IReadOnlyList<Revocation>> ListAsync(CancellationToken ct)
    {
        var list = (await _store.ListRevocationsAsync(ct)).Select(r => new Revocation(r.Kind, r.Value, r.Reason, r.At)).ToList();
        foreach (var entry in _options.Value.Revoked)
        {
            if (ParseTarget(entry) is { } p && !list.Any(r => r.Kind == p.Kind && r.Value == p.Value))
                list.Add(new Revocation(p.Kind, p.Value, "[marketplace] revoked", ""));
        }
        return list;
    }

    /// <summary>The entry that revokes this version, by its id and version, its digest or one of its signing keys; null when none does.</summary>
    internal async Task<Revocation?> FindAsync(string listingId, string version, string digest, IEnumerable<string?> keyIds, CancellationToken ct)
    {
        var keys = keyIds.OfType<string>().ToHashSet(StringComparer.Ordinal);
        return (await ListAsync(ct)).FirstOrDefault(r => r.Kind switch
        {
            "key" => keys.Contains(r.Value),
            "digest" => r.Value == digest,
            "version" => r.Value == $"{listingId}@{version}" || r.Value == $"{listingId}@*",
            _ => false,
        });
    }

    public async Task<KeysDocument> KeysAsync(CancellationToken ct)
    {
        var server = await _keys.ServerKeyAsync(ct);
        var issued = SqliteCommands.Iso(_time.GetUtcNow());
        RegistryKey[] keys = [new(server.KeyId, server.PublicKey, "registry", server.CreatedAt, null)];
        var document = Canonical("nextra.keys/v1", issued, w =>
        {
            w.WriteStartArray("keys");
            foreach (var k in keys)
            {
                w.WriteStartObject();
                w.WriteString("key_id", k.KeyId);
                if (k.NotAfter is { } until) w.WriteString("not_after", until);
                w.WriteString("not_before", k.NotBefore);
                w.WriteString("public_key", k.PublicKey);
                w.WriteString("role", k.Role);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        var signature = await _keys.CountersignAsync(Message(KeysPrefix, document), ct);
        return new KeysDocument("nextra.keys/v1", issued, keys, document, server.KeyId, Convert.ToBase64String(signature));
    }

    public async Task<RevokedDocument> RevokedAsync(CancellationToken ct)
    {
        var server = await _keys.ServerKeyAsync(ct);
        var issued = SqliteCommands.Iso(_time.GetUtcNow());
        var list = (await ListAsync(ct)).OrderBy(r => r.Kind, StringComparer.Ordinal).ThenBy(r => r.Value, StringComparer.Ordinal).ToArray();
        var document = Canonical("nextra.revoked/v1", issued, w =>
        {
            w.WriteStartArray("revoked");
            foreach (var r in list)
            {
                w.WriteStartObject();
                w.WriteString("at", r.At);
                w.WriteString("kind", r.Kind);
                w.WriteString("reason", r.Reason);
                w.WriteString("value", r.Value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        var signature = await _keys.CountersignAsync(Message(RevokedPrefix, document), ct);
        return new RevokedDocument("nextra.revoked/v1", issued, list, document, server.KeyId, Convert.ToBase64String(signature));
    }

    /// <summary>What a keys.json signature covers (for verifiers): <c>"NEXTRA-KEYS-V1\n" || sha256(document)</c>.</summary>
    public static byte[] KeysMessage(string document) => Message(KeysPrefix, document);

    /// <summary>What a revoked.json signature covers: <c>"NEXTRA-REVOKED-V1\n" || sha256(document)</c>.</summary>
    public static byte[] RevokedMessage(string document) => Message(RevokedPrefix, document);

    public async Task<IReadOnlyList<ReportItem>> ReportsAsync(int limit, CancellationToken ct) =>
        [.. (await _store.ListReportsAsync(limit, ct)).Select(r => new ReportItem(r.ListingId, r.TenantId, r.Reason, r.Text, r.CreatedAt))];

    private static byte[] Message(byte[] prefix, string document) => [.. prefix, .. SHA256.HashData(Encoding.UTF8.GetBytes(document))];

    /// <summary>Canonical JSON (keys sorted, no whitespace): <c>{issued_at, [body], type}</c>; the body's key must sort between them.</summary>
    private static string Canonical(string type, string issued, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("issued_at", issued);
            body(w);
            w.WriteString("type", type);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
