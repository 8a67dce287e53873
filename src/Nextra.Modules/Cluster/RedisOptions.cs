namespace Nextra.Modules.Cluster;

/// <summary>
/// Redis for hosted mode (section <c>Redis</c>): shared engine state, signals between instances, the live-events
/// backplane, rate limits and quota counters. Empty <see cref="Configuration"/> = everything in this process.
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379,password=…</c>; empty = in-memory backends.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key and channel, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "nextra:";

    /// <summary>How long a flow's shared state (context buffers, thread registry, joins) lives after its last write.</summary>
    public int StateTtlHours { get; set; } = 24;

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}
