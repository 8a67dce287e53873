using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Nextra.Modules.Cluster;

/// <summary>
/// The process's one <see cref="ConnectionMultiplexer"/>, connected on first use with <c>abortConnect=false</c>:
/// a Redis that is down at start is retried in the background rather than failing the server.
/// </summary>
public sealed class RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger) : IDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _connection = new(() =>
    {
        var config = ConfigurationOptions.Parse(options.Value.Configuration);
        config.AbortOnConnectFail = false;
        config.ClientName ??= "nextra";
        var mux = ConnectionMultiplexer.Connect(config);
        mux.ConnectionFailed += (_, e) => logger.LogWarning(e.Exception, "Redis connection failed ({Failure}); retrying", e.FailureType);
        mux.ConnectionRestored += (_, _) => logger.LogInformation("Redis connection restored");
        return mux;
    });

    public string Prefix => options.Value.KeyPrefix;

    public IDatabase Database => _connection.Value.GetDatabase();

    public ISubscriber Subscriber => _connection.Value.GetSubscriber();

    public RedisChannel Channel(string name) => RedisChannel.Literal(Prefix + name);

    public void Dispose()
    {
        if (_connection.IsValueCreated) _connection.Value.Dispose();
    }
}
