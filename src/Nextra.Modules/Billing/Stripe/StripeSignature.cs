using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nextra.Modules.Billing.Stripe;

/// <summary>
/// Stripe's webhook signature: header <c>Stripe-Signature: t=UNIX,v1=HEX[,v1=HEX…]</c>, where each <c>v1</c> is
/// HMAC-SHA256 of <c>"{t}.{raw body}"</c> keyed with the endpoint's signing secret. Several <c>v1</c> are accepted
/// (Stripe sends one per active secret while a secret is rolled); the comparison is constant-time; a timestamp
/// further than the tolerance from now (either way) is refused, so a captured delivery cannot be replayed later.
/// </summary>
public static class StripeSignature
{
    public enum Verdict { Valid, Missing, Malformed, Stale, Mismatch }

    public static Verdict Verify(string? header, ReadOnlySpan<byte> body, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrWhiteSpace(header)) return Verdict.Missing;
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var key = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t)) timestamp = t;
            else if (key == "v1" && value.Length == 64)
            {
                try
                {
                    signatures.Add(Convert.FromHexString(value));
                }
                catch (FormatException)
                {
                    // Not hex: cannot match; the others may.
                }
            }
        }
        if (timestamp is not { } ts || signatures.Count == 0) return Verdict.Malformed;
        var expected = Compute(ts, body, secret);
        var match = false;
        // Every candidate is compared (no early exit), each in constant time.
        foreach (var candidate in signatures) match |= CryptographicOperations.FixedTimeEquals(candidate, expected);
        if (!match) return Verdict.Mismatch;
        var age = now - DateTimeOffset.FromUnixTimeSeconds(ts);
        return age.Duration() > tolerance ? Verdict.Stale : Verdict.Valid;
    }

    /// <summary>The <c>v1</c> signature bytes of <paramref name="body"/> signed at <paramref name="timestamp"/>.</summary>
    public static byte[] Compute(long timestamp, ReadOnlySpan<byte> body, string secret)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var payload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(payload, 0);
        body.CopyTo(payload.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);
    }

    /// <summary>A header as Stripe writes it (tests and the scripted server sign with this).</summary>
    public static string Header(long timestamp, ReadOnlySpan<byte> body, string secret) =>
        $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Compute(timestamp, body, secret))}";
}
