using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Pump.Config;

namespace Nextra.Modules.Triggers;

/// <summary>
/// A token bucket per (flow, trigger) through the rate-limiter seam (shared by every instance in hosted mode). A
/// trigger's own <c>rate_per_second</c> / <c>burst</c> apply, never above the server's <c>[triggers]</c> settings,
/// which are also the default; a changed limit (a saved flow) starts a fresh bucket.
/// </summary>
public sealed class WebhookRateLimiter(IRateLimiter limiter, IOptions<TriggersOptions> options)
{
    /// <summary>Allowed, or refused with when to retry.</summary>
    public ValueTask<RateLimitDecision> TryAcquireAsync(string flowId, string trigger, TriggerDefinition? definition, CancellationToken ct)
    {
        var o = options.Value;
        var rate = Math.Min(definition?.RatePerSecond ?? double.MaxValue, o.WebhookRatePerSecond);
        var burst = Math.Min(definition?.Burst ?? double.MaxValue, o.WebhookBurst);
        return limiter.TryAcquireAsync(string.Concat("webhook:", flowId, ":", trigger), new RateLimitRule(rate, (int)Math.Max(1, burst)), ct);
    }

    /// <summary>Largest body this trigger accepts.</summary>
    public long MaxBodyBytes(TriggerDefinition? definition) =>
        Math.Min(definition?.MaxBodyBytes ?? long.MaxValue, options.Value.MaxBodyBytes);
}
