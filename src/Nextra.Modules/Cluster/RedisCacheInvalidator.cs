using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Common;
using StackExchange.Redis;

namespace Nextra.Modules.Cluster;

/// <summary><see cref="ICacheInvalidator"/> across instances: invalidated here at once, and on the others through Redis pub/sub.</summary>
public sealed class RedisCacheInvalidator : ICacheInvalidator
{
    private readonly RedisConnection _redis;
    private readonly InProcessCacheInvalidator _local = new();
    private readonly ILogger<RedisCacheInvalidator> _logger;
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private readonly RedisChannel _channel;

    public RedisCacheInvalidator(RedisConnection redis, ILogger<RedisCacheInvalidator> logger)
    {
        _redis = redis;
        _logger = logger;
        _channel = redis.Channel("invalidate");
        redis.Subscriber.Subscribe(_channel).OnMessage(received =>
        {
            try
            {
                var message = JsonSerializer.Deserialize((byte[])received.Message!, ClusterJsonContext.Default.InvalidationMessage);
                if (message is not null && message.Origin != _origin) _local.Deliver(message.Cache, message.Key);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "An invalidation from another instance could not be applied");
            }
        });
    }

    public async ValueTask InvalidateAsync(string cache, string key, CancellationToken ct = default)
    {
        _local.Deliver(cache, key);
        // Not swallowed: a caller that changed data must know the other instances may still serve the old entry.
        await _redis.Subscriber.PublishAsync(_channel,
            JsonSerializer.SerializeToUtf8Bytes(new InvalidationMessage(_origin, cache, key), ClusterJsonContext.Default.InvalidationMessage)).ConfigureAwait(false);
    }

    public IDisposable Subscribe(string cache, Action<string> onInvalidated) => _local.Subscribe(cache, onInvalidated);
}
