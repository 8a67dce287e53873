using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Nextra.Modules.Accounts;

/// <summary>
/// PBKDF2-HMAC-SHA256 (a vetted KDF in the BCL). Stored form: <c>pbkdf2-sha256$ITER$SALT$HASH</c>
/// (base64), so the cost can rise later without invalidating old hashes.
/// </summary>
internal sealed class PasswordHasher(IOptions<AccountsOptions> options)
{
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verified against when the email is unknown so both paths cost the same.
    private readonly Lazy<string> _dummy = new(() => HashWith("not-a-real-password", options.Value.PasswordIterations));

    public string Hash(string password) => HashWith(password, options.Value.PasswordIterations);

    public bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations))
        {
            return false;
        }
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Burns the same time as a real check; always false.</summary>
    public bool VerifyDummy(string password)
    {
        _ = Verify(password, _dummy.Value);
        return false;
    }

    private static string HashWith(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }
}
