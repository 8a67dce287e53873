using System.Threading.RateLimiting;

namespace Nextra.Modules.Common;

/// <summary>
/// <see cref="IRateLimiter"/> in this process: one <see cref="PartitionedRateLimiter{TResource}"/> of token buckets,
/// partitioned by (key, rule). Buckets replenish every 100 ms from the partitioned limiter's one shared timer (not a
/// timer per bucket), and idle ones are dropped by it.
/// </summary>
[ModuleContract("the embedded implementation of a seam; the Cluster module's one switch selects it when no Redis is configured")]
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
    /// The bucket refills in steps that are whole multiples of the shared 100 ms tick (a shorter period would be
    /// stretched to the tick), with the smallest step that keeps the rate exact: 15/s is 3 tokens every 200 ms,
    /// 1000/s 100 every 100 ms, 0.5/s one every 2 s. A rate that fits no step of up to a second is rounded.
    /// </summary>
    internal static TokenBucketRateLimiterOptions Options(RateLimitRule rule)
    {
        var rate = Math.Max(rule.PermitsPerSecond, 1e-6);
        var perTick = rate * Tick.TotalSeconds;
        (TimeSpan Period, int Tokens) step = perTick >= 1
            ? (Tick, (int)Math.Round(perTick))
            : (TimeSpan.FromSeconds(Math.Ceiling(1 / perTick) * Tick.TotalSeconds), 1);
        for (var n = 1; n <= 10; n++)
        {
            var tokens = perTick * n;
            var whole = Math.Round(tokens);
            if (whole >= 1 && Math.Abs(tokens - whole) < 1e-6)
            {
                step = (Tick * n, (int)whole);
                break;
            }
        }
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, rule.Burst),
            TokensPerPeriod = step.Tokens,
            ReplenishmentPeriod = step.Period,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
    }

    public void Dispose() => _limiter.Dispose();
}
