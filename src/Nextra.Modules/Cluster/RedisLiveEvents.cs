using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Observability;
using StackExchange.Redis;

namespace Nextra.Modules.Cluster;

/// <summary>
/// The live-events backplane: an event is stored and delivered here (<see cref="LiveEventBus"/>) and published to the
/// other instances, which deliver it to their own SignalR connections and log streams. Publishing never waits: a
/// pump thread must not block on Redis.
/// </summary>
public sealed class RedisLiveEvents : ILiveEvents
{
    private readonly RedisConnection _redis;
    private readonly LiveEventBus _local;
    private readonly ILogger<RedisLiveEvents> _logger;
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private readonly RedisChannel _channel;

    public RedisLiveEvents(RedisConnection redis, LiveEventBus local, ILogger<RedisLiveEvents> logger)
    {
        _redis = redis;
        _local = local;
        _logger = logger;
        _channel = redis.Channel("events");
        redis.Subscriber.Subscribe(_channel).OnMessage(received =>
        {
            try
            {
                var message = JsonSerializer.Deserialize((byte[])received.Message!, ClusterJsonContext.Default.LiveEventMessage);
                if (message is not null && message.Origin != _origin) _local.Deliver(message.Event);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "A live event from another instance could not be delivered");
            }
        });
    }

    public void Publish(LiveEvent e)
    {
        _local.Publish(e);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new LiveEventMessage(_origin, e), ClusterJsonContext.Default.LiveEventMessage);
        _redis.Subscriber.Publish(_channel, bytes, CommandFlags.FireAndForget);
    }
}
