using System.Security.Cryptography;
using System.Text;

namespace Nextra.Modules.Secrets;

/// <summary>
/// AES-256-GCM for secret values. Layout: version (1) | nonce (12) | tag (16) | ciphertext.
/// The tenant id and secret name are authenticated data, so a stored value cannot be moved to
/// another tenant's or another name's row and still decrypt.
/// </summary>
public sealed class SecretCipher(byte[] key) : ISecretCipher
{
    private const byte Version = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int Header = 1 + NonceBytes + TagBytes;

    public byte[] Encrypt(string tenantId, string name, string value)
    {
        var plain = Encoding.UTF8.GetBytes(value);
        var blob = new byte[Header + plain.Length];
        blob[0] = Version;
        var nonce = blob.AsSpan(1, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key, TagBytes);
        gcm.Encrypt(nonce, plain, blob.AsSpan(Header), blob.AsSpan(1 + NonceBytes, TagBytes), Aad(tenantId, name));
        CryptographicOperations.ZeroMemory(plain);
        return blob;
    }

    /// <summary>Throws <see cref="CryptographicException"/> when the blob was tampered with, moved, or made with another key.</summary>
    public string Decrypt(string tenantId, string name, byte[] blob)
    {
        if (blob.Length < Header || blob[0] != Version)
            throw new CryptographicException("unknown secret format");
        var plain = new byte[blob.Length - Header];
        using var gcm = new AesGcm(key, TagBytes);
        gcm.Decrypt(blob.AsSpan(1, NonceBytes), blob.AsSpan(Header), blob.AsSpan(1 + NonceBytes, TagBytes), plain, Aad(tenantId, name));
        var value = Encoding.UTF8.GetString(plain);
        CryptographicOperations.ZeroMemory(plain);
        return value;
    }

    private static byte[] Aad(string tenantId, string name) => Encoding.UTF8.GetBytes($"nextra-secret\0{tenantId}\0{name}");
}
