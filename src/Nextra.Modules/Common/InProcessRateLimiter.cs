using System.Threading.RateLimiting;

namespace Nextra.Modules.Common;

/// <summary>
/// <see cref="IRateLimiter"/> in this process: one <see cref="PartitionedRateLimiter{TResource}"/> of token buckets,
/// partitioned by (key, rule). Buckets replenish every 100 ms from the partitioned limiter's one shared timer (not a
/// timer per bucket), and idle ones are dropped by it.
/// </summary>
public sealed class InProcessRateLimiter : IRateLimiter, IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly PartitionedRateLimiter<(string Key, RateLimitRule Rule)> _limiter = PartitionedRateLimiter.Create<(string Key, RateLimitRule Rule), (string, RateLimitRule)>(
        resource => RateLimitPartition.GetTokenBucketLimiter(resource, r => Options(r.Item2)));

    public ValueTask<RateLimitDecision> TryAcquireAsync(string key, RateLimitRule rule, CancellationToken ct = default)
    {
        using var lease = _limiter.AttemptAcquire((key, rule));
        if (lease.IsAcquired) return new(new RateLimitDecision(true, TimeSpan.Zero));
        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1 / Math.Max(rule.PermitsPerSecond, 0.001));
        return new(new RateLimitDecision(false, retry));
    }

    /// <summary>
    /// The bucket refills in steps no shorter than the shared 100 ms tick: at high rates several tokens a tick, at low
    /// rates one token every 1/rate seconds (rounded up to the tick).
    /// </summary>
    internal static TokenBucketRateLimiterOptions Options(RateLimitRule rule)
    {
        var rate = Math.Max(rule.PermitsPerSecond, 1e-6);
        var perTick = rate * Tick.TotalSeconds;
        var (period, tokens) = perTick >= 1
            ? (Tick, (int)Math.Ceiling(perTick))
            : (TimeSpan.FromSeconds(1 / rate), 1);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, rule.Burst),
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
    }

    public void Dispose() => _limiter.Dispose();
}
