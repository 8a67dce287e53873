using System.Security.Cryptography;
using System.Text;

namespace Nextra.Modules.Accounts;

/// <summary>Random secrets and their stored digests.</summary>
public static class Tokens
{
    /// <summary>URL-safe random string carrying <paramref name="bytes"/> bytes of entropy.</summary>
    public static string Random(int bytes = 32) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>Hex SHA-256 of a high-entropy secret; a plain hash is enough because the secret is not guessable.</summary>
    public static string Sha256Hex(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Constant-time comparison so a digest check leaks nothing through timing.</summary>
    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string Base64Url(byte[] data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
