using System.Globalization;
using Nextra.Pump.Memory;
using StackExchange.Redis;

namespace Nextra.Modules.Cluster;

/// <summary>
/// One flow's engine state in Redis, under <c>{prefix}{t:TENANT:f:FLOW}:…</c> (a hash tag, so a flow's keys share a
/// cluster slot and its scripts may touch several): context buffers as lists, thread order as a sorted set, the
/// thread registry as two hashes, joins as one hash each. Every write refreshes the keys' expiry; compound updates
/// run as Lua scripts, so they are atomic even if another instance takes the flow over mid-run.
/// </summary>
public sealed class RedisSharedBackend : ISharedBackend
{
    /// <summary>Hard ceiling of one thread's buffer in Redis, whatever the flow asks (Redis memory is shared).</summary>
    public const int MaxSlotsPerThread = 100_000;

    private readonly IDatabase _db;
    private readonly string _prefix;
    private readonly long _ttlMs;

    public RedisSharedBackend(RedisConnection redis, string tenantId, string flowId, TimeSpan ttl)
    {
        _db = redis.Database;
        _prefix = $"{redis.Prefix}{{t:{tenantId}:f:{flowId}}}:";
        _ttlMs = (long)ttl.TotalMilliseconds;
    }

    private RedisKey Buffer(string thread) => _prefix + "buf:" + thread;
    private RedisKey Threads => _prefix + "threads";
    private RedisKey Seq => _prefix + "seq";
    private RedisKey Chains => _prefix + "chain";
    private RedisKey Uuids => _prefix + "uuid";
    private RedisKey Gather(string id) => _prefix + "g:" + id;

    private const string AppendScript = """
        local n = redis.call('LLEN', KEYS[1])
        if n >= tonumber(ARGV[4]) then return -1 end
        if n == 0 and redis.call('ZSCORE', KEYS[2], ARGV[2]) == false then
          redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[2])
        end
        local len = redis.call('RPUSH', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        redis.call('PEXPIRE', KEYS[3], ARGV[3])
        return len - 1
        """;

    public async ValueTask<int> BufferAppendAsync(string threadId, StoredSlot slot, CancellationToken ct)
    {
        var index = (long)await _db.ScriptEvaluateAsync(AppendScript, [Buffer(threadId), Threads, Seq],
            [slot.ToBytes(), threadId, _ttlMs, MaxSlotsPerThread]).ConfigureAwait(false);
        return index < 0
            ? throw new InvalidOperationException($"context buffer of thread {threadId} is full ({MaxSlotsPerThread} slots)")
            : (int)index;
    }

    public async ValueTask<IReadOnlyList<StoredSlot>> BufferGetThreadAsync(string threadId, CancellationToken ct) =>
        (await _db.ListRangeAsync(Buffer(threadId)).ConfigureAwait(false)).Select(v => StoredSlot.FromBytes((byte[])v!)).ToList();

    public async ValueTask<StoredSlot?> BufferGetSlotAsync(string threadId, int index, CancellationToken ct)
    {
        var value = await _db.ListGetByIndexAsync(Buffer(threadId), index).ConfigureAwait(false);
        return value.HasValue ? StoredSlot.FromBytes((byte[])value!) : null;
    }

    public async ValueTask<int> BufferThreadLengthAsync(string threadId, CancellationToken ct) =>
        (int)await _db.ListLengthAsync(Buffer(threadId)).ConfigureAwait(false);

    public async ValueTask<bool> BufferThreadExistsAsync(string threadId, CancellationToken ct) =>
        await _db.KeyExistsAsync(Buffer(threadId)).ConfigureAwait(false);

    public async ValueTask<bool> BufferDeleteThreadAsync(string threadId, CancellationToken ct)
    {
        var deleted = await _db.KeyDeleteAsync(Buffer(threadId)).ConfigureAwait(false);
        await _db.SortedSetRemoveAsync(Threads, threadId).ConfigureAwait(false);
        return deleted;
    }

    public async ValueTask<IReadOnlyList<string>> BufferListThreadsAsync(CancellationToken ct) =>
        (await _db.SortedSetRangeByRankAsync(Threads).ConfigureAwait(false)).Select(v => (string)v!).ToList();

    public async ValueTask BufferClearAsync(CancellationToken ct)
    {
        foreach (var thread in await BufferListThreadsAsync(ct).ConfigureAwait(false))
            await _db.KeyDeleteAsync(Buffer(thread)).ConfigureAwait(false);
        await _db.KeyDeleteAsync(Threads).ConfigureAwait(false);
    }

    private const string SetScript = """
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return 1
        """;

    public async ValueTask RegistrySetAsync(string chain, string uuid, CancellationToken ct) =>
        await _db.ScriptEvaluateAsync(SetScript, [Chains, Uuids], [chain, uuid, _ttlMs]).ConfigureAwait(false);

    private const string GetOrAddScript = """
        local u = redis.call('HGET', KEYS[1], ARGV[1])
        if u then return u end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return ARGV[2]
        """;

    public async ValueTask<string> RegistryGetOrAddAsync(string chain, string candidateUuid, CancellationToken ct) =>
        (string)(await _db.ScriptEvaluateAsync(GetOrAddScript, [Chains, Uuids], [chain, candidateUuid, _ttlMs]).ConfigureAwait(false))!;

    public async ValueTask<string?> RegistryGetUuidAsync(string chain, CancellationToken ct) =>
        (string?)await _db.HashGetAsync(Chains, chain).ConfigureAwait(false);

    public async ValueTask<string?> RegistryGetChainAsync(string uuid, CancellationToken ct) =>
        (string?)await _db.HashGetAsync(Uuids, uuid).ConfigureAwait(false);

    private const string DeleteScript = """
        local chain = redis.call('HGET', KEYS[2], ARGV[1])
        if not chain then return 0 end
        redis.call('HDEL', KEYS[2], ARGV[1])
        if redis.call('HGET', KEYS[1], chain) == ARGV[1] then redis.call('HDEL', KEYS[1], chain) end
        return 1
        """;

    public async ValueTask<bool> RegistryDeleteAsync(string uuid, CancellationToken ct) =>
        (long)await _db.ScriptEvaluateAsync(DeleteScript, [Chains, Uuids], [uuid]).ConfigureAwait(false) == 1;

    public async ValueTask<IReadOnlyDictionary<string, string>> RegistryListAllAsync(CancellationToken ct) =>
        (await _db.HashGetAllAsync(Uuids).ConfigureAwait(false)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);

    public async ValueTask RegistryClearAsync(CancellationToken ct) => await _db.KeyDeleteAsync([Chains, Uuids]).ConfigureAwait(false);

    private const string OpenScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          redis.call('HSET', KEYS[1], 'slots', ARGV[1], 'deadline', ARGV[2], 'epoch', ARGV[3], 'closed', 0, 'cursor', 0, 'n', 0)
        elseif redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[3] then
          redis.call('HSET', KEYS[1], 'epoch', ARGV[3], 'closed', 0, 'cursor', 0)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return redis.call('HGETALL', KEYS[1])
        """;

    public async ValueTask<GatherState> GatherOpenAsync(string gatherId, int slots, long deadlineUnixMs, string epoch, CancellationToken ct)
    {
        var fields = ToFields((RedisResult[])(await _db.ScriptEvaluateAsync(OpenScript, [Gather(gatherId)],
            [slots, deadlineUnixMs, epoch, _ttlMs]).ConfigureAwait(false))!);
        return new GatherState(Int(fields["slots"]), long.Parse((string)fields["deadline"]!, CultureInfo.InvariantCulture),
            Int(fields["closed"]) == 1, Filled(fields));
    }

    private const string FillScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 1, 0, 0} end
        local closed = tonumber(redis.call('HGET', KEYS[1], 'closed'))
        local slots = tonumber(redis.call('HGET', KEYS[1], 'slots'))
        local n = tonumber(redis.call('HGET', KEYS[1], 'n'))
        local slot = tonumber(ARGV[1])
        if closed == 1 or slot < 0 or slot >= slots then return {0, closed, n, slots} end
        local ok = redis.call('HSETNX', KEYS[1], 's:' .. ARGV[1], ARGV[2])
        if ok == 1 then n = redis.call('HINCRBY', KEYS[1], 'n', 1) end
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {ok, 0, n, slots}
        """;

    public async ValueTask<GatherFillResult> GatherFillAsync(string gatherId, int slot, byte[] value, CancellationToken ct)
    {
        var r = (RedisResult[])(await _db.ScriptEvaluateAsync(FillScript, [Gather(gatherId)], [slot, value, _ttlMs]).ConfigureAwait(false))!;
        return new GatherFillResult((long)r[0] == 1, (long)r[1] == 1, (int)(long)r[2], (int)(long)r[3]);
    }

    private const string ClaimScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
        if tonumber(redis.call('HGET', KEYS[1], 'closed')) == 1 then return -1 end
        local slots = tonumber(redis.call('HGET', KEYS[1], 'slots'))
        local c = tonumber(redis.call('HGET', KEYS[1], 'cursor'))
        while c < slots and redis.call('HEXISTS', KEYS[1], 's:' .. c) == 1 do c = c + 1 end
        if c >= slots then
          redis.call('HSET', KEYS[1], 'cursor', c)
          return -1
        end
        redis.call('HSET', KEYS[1], 'cursor', c + 1)
        return c
        """;

    public async ValueTask<int> GatherClaimNextAsync(string gatherId, CancellationToken ct) =>
        (int)(long)await _db.ScriptEvaluateAsync(ClaimScript, [Gather(gatherId)]).ConfigureAwait(false);

    private const string CloseScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return false end
        if tonumber(redis.call('HGET', KEYS[1], 'closed')) == 1 then return false end
        redis.call('HSET', KEYS[1], 'closed', 1)
        return redis.call('HGETALL', KEYS[1])
        """;

    public async ValueTask<IReadOnlyList<byte[]?>?> GatherCloseAsync(string gatherId, CancellationToken ct)
    {
        var result = await _db.ScriptEvaluateAsync(CloseScript, [Gather(gatherId)]).ConfigureAwait(false);
        if (result.IsNull) return null;
        var fields = ToFields((RedisResult[])result!);
        var all = new byte[]?[Int(fields["slots"])];
        foreach (var (i, v) in Filled(fields)) all[i] = v;
        return all;
    }

    public async ValueTask<bool> GatherDeleteAsync(string gatherId, CancellationToken ct) => await _db.KeyDeleteAsync(Gather(gatherId)).ConfigureAwait(false);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static Dictionary<string, RedisResult> ToFields(RedisResult[] flat)
    {
        var fields = new Dictionary<string, RedisResult>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2) fields[(string)flat[i]!] = flat[i + 1];
        return fields;
    }

    private static Dictionary<int, byte[]> Filled(Dictionary<string, RedisResult> fields)
    {
        var filled = new Dictionary<int, byte[]>();
        foreach (var (name, value) in fields)
        {
            if (name.StartsWith("s:", StringComparison.Ordinal)) filled[int.Parse(name.AsSpan(2), CultureInfo.InvariantCulture)] = (byte[])value!;
        }
        return filled;
    }

    private static int Int(RedisResult value) => int.Parse((string)value!, CultureInfo.InvariantCulture);
}
