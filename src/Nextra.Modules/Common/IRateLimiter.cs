namespace Nextra.Modules.Common;

/// <summary>A token-bucket rule: <see cref="PermitsPerSecond"/> sustained, up to <see cref="Burst"/> at once.</summary>
public readonly record struct RateLimitRule(double PermitsPerSecond, int Burst)
{
    /// <summary><paramref name="permits"/> per minute, all of them available at once.</summary>
    public static RateLimitRule PerMinute(int permits) => new(permits / 60.0, Math.Max(1, permits));
}

/// <summary>The answer of <see cref="IRateLimiter.TryAcquireAsync"/>; <see cref="RetryAfter"/> is when a permit is expected.</summary>
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// Rate limits keyed by caller-chosen strings (<c>webhook:{flow}:{trigger}</c>, <c>login:{ip}</c>, <c>apikey:{id}</c>).
/// Embedded: in this process (System.Threading.RateLimiting); hosted: shared by every instance (Redis).
/// A rule that changes for a key starts a fresh bucket.
/// </summary>
public interface IRateLimiter
{
    ValueTask<RateLimitDecision> TryAcquireAsync(string key, RateLimitRule rule, CancellationToken ct = default);
}
