using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Nextra.Modules.Marketplace.Signing;

/// <summary>
/// Ed25519 through BouncyCastle's managed implementation (the BCL has none; NSec would need a native libsodium per RID).
/// A key id is the first 16 hex digits of sha256(public key) (R3).
/// </summary>
public static class Ed25519Keys
{
    /// <summary>A new key pair: (private 32 bytes, public 32 bytes).</summary>
    public static (byte[] PrivateKey, byte[] PublicKey) Generate()
    {
        var priv = new Ed25519PrivateKeyParameters(new SecureRandom());
        return (priv.GetEncoded(), priv.GeneratePublicKey().GetEncoded());
    }

    public static string KeyId(byte[] publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey))[..16];

    public static byte[] Sign(byte[] privateKey, byte[] message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(privateKey, 0));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    /// <summary>False for a wrong signature, a malformed key or a malformed signature; never throws on bad input.</summary>
    public static bool Verify(byte[] publicKey, byte[] message, byte[] signature)
    {
        if (publicKey.Length != Ed25519PublicKeyParameters.KeySize || signature.Length != 64)
            return false;
        try
        {
            var verifier = new Ed25519Signer();
            verifier.Init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            verifier.BlockUpdate(message, 0, message.Length);
            return verifier.VerifySignature(signature);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
