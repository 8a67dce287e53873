using System.Globalization;
using Nextra.Modules.Common;
using StackExchange.Redis;

namespace Nextra.Modules.Cluster;

/// <summary>
/// <see cref="IRateLimiter"/> shared by every instance: a token bucket per (key, rule) in a Redis hash, refilled and
/// taken atomically by one Lua script on Redis's own clock (instances' clocks may disagree), expiring when full.
/// </summary>
public sealed class RedisRateLimiter(RedisConnection redis) : IRateLimiter
{
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local rate = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
        local tokens = tonumber(b[1])
        local ts = tonumber(b[2])
        if tokens == nil then tokens = burst; ts = now end
        tokens = math.min(burst, tokens + math.max(0, now - ts) / 1000 * rate)
        local allowed = 0
        local retry = 0
        if tokens >= 1 then
          tokens = tokens - 1
          allowed = 1
        else
          retry = math.ceil((1 - tokens) / rate * 1000)
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
        redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
        return {allowed, retry}
        """;

    public async ValueTask<RateLimitDecision> TryAcquireAsync(string key, RateLimitRule rule, CancellationToken ct = default)
    {
        var rate = Math.Max(rule.PermitsPerSecond, 1e-6);
        var burst = Math.Max(1, rule.Burst);
        var bucket = string.Create(CultureInfo.InvariantCulture, $"{redis.Prefix}rl:{key}:{rate:R}:{burst}");
        var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(Script, [bucket],
            [rate.ToString("R", CultureInfo.InvariantCulture), burst]).ConfigureAwait(false))!;
        return new RateLimitDecision((long)result[0] == 1, TimeSpan.FromMilliseconds((long)result[1]));
    }
}
