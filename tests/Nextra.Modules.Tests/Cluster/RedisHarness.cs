using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Cluster;

namespace Nextra.Modules.Tests.Cluster;

/// <summary>A test that needs Redis: skipped (with the reason) when <c>NEXTRA_TEST_REDIS</c> is not set; <c>.ci/run</c> sets it.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public static string? Configuration => Environment.GetEnvironmentVariable("NEXTRA_TEST_REDIS") is { Length: > 0 } c ? c : null;

    public RedisFactAttribute()
    {
        if (Configuration is null) Skip = "NEXTRA_TEST_REDIS is not set (.ci/run starts Redis and sets it)";
    }
}

/// <summary>Connections standing for separate instances of one deployment, under a key prefix of their own.</summary>
internal static class RedisHarness
{
    public static IOptions<RedisOptions> Options(string prefix) =>
        Microsoft.Extensions.Options.Options.Create(new RedisOptions { Configuration = RedisFactAttribute.Configuration!, KeyPrefix = prefix });

    public static RedisConnection Connect(string prefix) => new(Options(prefix), NullLogger<RedisConnection>.Instance);

    public static string NewPrefix() => "test-" + Guid.NewGuid().ToString("N")[..10] + ":";
}
