using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nextra.Modules.Sso.Clerk;

/// <summary>
/// Svix's webhook signature (Clerk sends through Svix): <c>svix-signature</c> holds space-separated
/// <c>v1,&lt;base64 HMAC-SHA256&gt;</c> entries over <c>"{svix-id}.{svix-timestamp}.{body}"</c>, keyed with the base64 bytes
/// after <c>whsec_</c>. Any one matching entry passes (secret rotation); comparisons are constant-time; the timestamp
/// must be within the tolerance either way.
/// </summary>
internal static class SvixSignature
{
    public const string Prefix = "whsec_";

    /// <summary>Null when the delivery is authentic; else why not (for the log, never for the caller).</summary>
    public static string? Check(string secret, string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body,
        DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
            return "svix-id, svix-timestamp or svix-signature missing";
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return "svix-timestamp is not a number";
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if ((now - sent).Duration() > tolerance)
            return "svix-timestamp outside the tolerance";
        byte[] key;
        try
        {
            key = Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);
        }
        catch (FormatException)
        {
            return "the webhook secret is not whsec_<base64>";
        }
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        var expected = HMACSHA256.HashData(key, content);
        var match = false;
        foreach (var entry in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || entry[..comma] != "v1") continue;
            var candidate = new byte[expected.Length + 8];
            if (!Convert.TryFromBase64String(entry[(comma + 1)..], candidate, out var written) || written != expected.Length) continue;
            // No early exit: every entry costs the same whether or not an earlier one matched.
            match |= CryptographicOperations.FixedTimeEquals(candidate.AsSpan(0, written), expected);
        }
        return match ? null : "no v1 signature matches";
    }

    /// <summary>A signature header for <paramref name="body"/> (tests and tools).</summary>
    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
