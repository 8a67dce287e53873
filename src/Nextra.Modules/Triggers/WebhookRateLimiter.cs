using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Nextra.Pump.Config;

namespace Nextra.Modules.Triggers;

/// <summary>
/// A token bucket per (flow, trigger). A trigger's own <c>rate_per_second</c> / <c>burst</c> apply, never
/// above the server's <c>[triggers]</c> settings, which are also the default; a changed limit (a saved
/// flow) starts a fresh bucket.
/// </summary>
public sealed class WebhookRateLimiter(IOptions<TriggersOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string, string), (double Rate, double Burst, TokenBucket Bucket)> _buckets = new();

    /// <summary>True when the request may proceed; else <paramref name="retryAfterSeconds"/> says when to retry.</summary>
    public bool TryAcquire(string flowId, string trigger, TriggerDefinition? definition, out double retryAfterSeconds)
    {
        var (rate, burst) = LimitsOf(definition);
        var key = (flowId, trigger);
        if (!_buckets.TryGetValue(key, out var entry) || entry.Rate != rate || entry.Burst != burst)
        {
            entry = (rate, burst, new TokenBucket(rate, burst, time));
            _buckets[key] = entry;
        }
        if (entry.Bucket.TryTake())
        {
            retryAfterSeconds = 0;
            return true;
        }
        retryAfterSeconds = entry.Bucket.SecondsUntilToken();
        return false;
    }

    /// <summary>Largest body this trigger accepts.</summary>
    public long MaxBodyBytes(TriggerDefinition? definition) =>
        Math.Min(definition?.MaxBodyBytes ?? long.MaxValue, options.Value.MaxBodyBytes);

    private (double Rate, double Burst) LimitsOf(TriggerDefinition? definition)
    {
        var o = options.Value;
        return (Math.Min(definition?.RatePerSecond ?? double.MaxValue, o.WebhookRatePerSecond),
            Math.Min(definition?.Burst ?? double.MaxValue, o.WebhookBurst));
    }
}
