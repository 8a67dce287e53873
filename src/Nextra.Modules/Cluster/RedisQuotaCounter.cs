using Nextra.Modules.Tiers;
using StackExchange.Redis;

namespace Nextra.Modules.Cluster;

/// <summary>
/// <see cref="IQuotaCounter"/> shared by every instance: one Redis counter per (tenant, counter, period), reserved
/// atomically against its limit by a Lua script. A counter Redis does not hold (first use, or after a Redis restart)
/// starts from the durable count in the database (<see cref="IQuotaCountSource"/>), which stays the record.
/// </summary>
public sealed class RedisQuotaCounter(RedisConnection redis, IEnumerable<IQuotaCountSource> sources) : IQuotaCounter
{
    private static readonly TimeSpan Ttl = TimeSpan.FromDays(40);
    private readonly Dictionary<string, IQuotaCountSource> _sources = sources.ToDictionary(s => s.Counter, StringComparer.Ordinal);

    // -2: not held here yet (the caller reads the durable count and calls again with it); -1: at the limit.
    private const string ReserveScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          if tonumber(ARGV[2]) < 0 then return -2 end
          redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
        end
        local v = tonumber(redis.call('GET', KEYS[1]))
        local limit = tonumber(ARGV[1])
        if limit >= 0 and v >= limit then return -1 end
        return redis.call('INCR', KEYS[1])
        """;

    private const string ReleaseScript = """
        local v = tonumber(redis.call('GET', KEYS[1]) or '0')
        if v > 0 then return redis.call('DECR', KEYS[1]) end
        return 0
        """;

    public async ValueTask<bool> TryReserveAsync(string tenantId, string counter, string period, long? limit, CancellationToken ct = default)
    {
        var key = Key(tenantId, counter, period);
        var result = await ReserveAsync(key, limit, seed: -1).ConfigureAwait(false);
        if (result == -2) result = await ReserveAsync(key, limit, await DurableAsync(tenantId, counter, period, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return result >= 0;
    }

    public async ValueTask ReleaseAsync(string tenantId, string counter, string period, CancellationToken ct = default) =>
        await redis.Database.ScriptEvaluateAsync(ReleaseScript, [Key(tenantId, counter, period)]).ConfigureAwait(false);

    public async ValueTask<long> GetAsync(string tenantId, string counter, string period, CancellationToken ct = default)
    {
        var key = Key(tenantId, counter, period);
        var value = await redis.Database.StringGetAsync(key).ConfigureAwait(false);
        if (value.HasValue) return (long)value;
        var durable = await DurableAsync(tenantId, counter, period, ct).ConfigureAwait(false);
        await redis.Database.StringSetAsync(key, durable, Ttl, When.NotExists).ConfigureAwait(false);
        return (long)(await redis.Database.StringGetAsync(key).ConfigureAwait(false));
    }

    private async Task<long> ReserveAsync(RedisKey key, long? limit, long seed) =>
        (long)(await redis.Database.ScriptEvaluateAsync(ReserveScript, [key], [limit ?? -1, seed, (long)Ttl.TotalSeconds]).ConfigureAwait(false));

    private async Task<long> DurableAsync(string tenantId, string counter, string period, CancellationToken ct) =>
        _sources.TryGetValue(counter, out var source) ? await source.DurableCountAsync(tenantId, period, ct).ConfigureAwait(false) : 0;

    private RedisKey Key(string tenantId, string counter, string period) => $"{redis.Prefix}quota:{tenantId}:{counter}:{period}";
}
