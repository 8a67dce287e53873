using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Nextra.Modules.Triggers;

/// <summary>A token bucket per (flow, trigger).</summary>
public sealed class WebhookRateLimiter(IOptions<TriggersOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string, string), TokenBucket> _buckets = new();

    /// <summary>True when the request may proceed; else <paramref name="retryAfterSeconds"/> says when to retry.</summary>
    public bool TryAcquire(string flowId, string trigger, out double retryAfterSeconds)
    {
        var bucket = _buckets.GetOrAdd((flowId, trigger), _ => new TokenBucket(options.Value.WebhookRatePerSecond, options.Value.WebhookBurst, time));
        if (bucket.TryTake())
        {
            retryAfterSeconds = 0;
            return true;
        }
        retryAfterSeconds = bucket.SecondsUntilToken();
        return false;
    }
}
