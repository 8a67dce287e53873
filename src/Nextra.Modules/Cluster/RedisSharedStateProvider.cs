using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Nextra.Modules.Engine;
using Nextra.Pump.Memory;

namespace Nextra.Modules.Cluster;

/// <summary><see cref="ISharedStateProvider"/> in Redis: a flow's state outlives its pump and its instance (failover).</summary>
public sealed class RedisSharedStateProvider(RedisConnection redis, IOptions<RedisOptions> options) : ISharedStateProvider
{
    private readonly ConcurrentDictionary<(string, string), RedisSharedBackend> _backends = new();

    public ISharedBackend For(string tenantId, string flowId) =>
        _backends.GetOrAdd((tenantId, flowId), key => new RedisSharedBackend(redis, key.Item1, key.Item2, TimeSpan.FromHours(Math.Max(1, options.Value.StateTtlHours))));
}
