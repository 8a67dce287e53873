using Microsoft.Extensions.Options;
using Nextra.Modules.Marketplace.Signing;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Secrets;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// The registry's countersigning key (one per deployment, in the database so every instance shares it; the first instance to
/// start creates it) and the custodial per-publisher keys, both with private halves encrypted by the secrets cipher.
/// </summary>
internal sealed class MarketplaceKeys(IMarketplaceStore store, ISecretCipher cipher, TimeProvider time, IOptions<MarketplaceOptions> options)
{
    private const string ServerKeyName = "registry";
    private const string SystemTenant = "system";
    private ServerKeyRow? _server; // the row never changes once written, so a process may keep it

    public async Task<ServerKeyRow> ServerKeyAsync(CancellationToken ct)
    {
        if (_server is { } cached)
            return cached;
        var (priv, pub) = Ed25519Keys.Generate();
        var row = await store.GetOrAddServerKeyAsync(new ServerKeyRow
        {
            Name = ServerKeyName, KeyId = Ed25519Keys.KeyId(pub), PublicKey = Convert.ToBase64String(pub),
            PrivateKey = cipher.Encrypt(SystemTenant, "marketplace:" + ServerKeyName, Convert.ToBase64String(priv)),
            CreatedAt = SqliteCommands.Iso(time.GetUtcNow()),
        }, ct);
        return _server = row;
    }

    public async Task<byte[]> CountersignAsync(byte[] message, CancellationToken ct)
    {
        var key = await ServerKeyAsync(ct);
        return Ed25519Keys.Sign(Convert.FromBase64String(cipher.Decrypt(SystemTenant, "marketplace:" + ServerKeyName, key.PrivateKey)), message);
    }

    public byte[] SignAsPublisher(PublisherRow publisher, byte[] message) =>
        Ed25519Keys.Sign(Convert.FromBase64String(cipher.Decrypt(publisher.TenantId, "marketplace:publisher-key", publisher.PrivateKey)), message);

    public PublisherRow NewPublisher(string tenantId, string handle)
    {
        var (priv, pub) = Ed25519Keys.Generate();
        return new PublisherRow
        {
            TenantId = tenantId, Handle = handle, KeyId = Ed25519Keys.KeyId(pub), PublicKey = Convert.ToBase64String(pub),
            PrivateKey = cipher.Encrypt(tenantId, "marketplace:publisher-key", Convert.ToBase64String(priv)),
            CreatedAt = SqliteCommands.Iso(time.GetUtcNow()),
        };
    }

    /// <summary>Keys whose countersignature an install accepts: this registry's and <c>[marketplace] trusted_keys</c>, by key id.</summary>
    public async Task<Dictionary<string, byte[]>> TrustedAsync(CancellationToken ct)
    {
        var server = await ServerKeyAsync(ct);
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [server.KeyId] = Convert.FromBase64String(server.PublicKey) };
        foreach (var text in options.Value.TrustedKeys)
        {
            try
            {
                var pub = Convert.FromBase64String(text.Trim());
                keys[Ed25519Keys.KeyId(pub)] = pub;
            }
            catch (FormatException)
            {
                // A malformed trusted key trusts nothing; the options validation reports it at start.
            }
        }
        return keys;
    }
}
