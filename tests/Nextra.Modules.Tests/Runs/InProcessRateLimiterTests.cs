using Nextra.Modules.Common;

namespace Nextra.Modules.Tests.Runs;

public class InProcessRateLimiterTests
{
    [Fact]
    public async Task TryAcquire_BurstExhausted_RefusedWithRetryAfterThenRefilled()
    {
        using var limiter = new InProcessRateLimiter();
        var rule = new RateLimitRule(PermitsPerSecond: 20, Burst: 3);
        for (var i = 0; i < 3; i++) Assert.True((await limiter.TryAcquireAsync("k", rule)).Allowed);
        var refused = await limiter.TryAcquireAsync("k", rule);
        Assert.False(refused.Allowed);
        Assert.True(refused.RetryAfter > TimeSpan.Zero && refused.RetryAfter <= TimeSpan.FromSeconds(1), refused.RetryAfter.ToString());
        // Another key has its own bucket.
        Assert.True((await limiter.TryAcquireAsync("other", rule)).Allowed);
        // Refilled by the shared replenishment tick (100 ms); polled, not slept-and-hoped.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!(await limiter.TryAcquireAsync("k", rule)).Allowed)
        {
            Assert.True(DateTime.UtcNow < deadline, "bucket never refilled");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task TryAcquire_ChangedRule_StartsAFreshBucket()
    {
        using var limiter = new InProcessRateLimiter();
        Assert.True((await limiter.TryAcquireAsync("k", new RateLimitRule(0.001, 1))).Allowed);
        Assert.False((await limiter.TryAcquireAsync("k", new RateLimitRule(0.001, 1))).Allowed);
        Assert.True((await limiter.TryAcquireAsync("k", new RateLimitRule(0.001, 2))).Allowed);
    }

    [Theory]
    [InlineData(1000, 2000, 100, 100)]
    [InlineData(15, 5, 3, 200)]
    [InlineData(3, 5, 3, 1000)]
    [InlineData(0.5, 1, 1, 2000)]
    public void Options_RefillStepsNeverShorterThanTheTick(double rate, int burst, int tokens, int periodMs)
    {
        var o = InProcessRateLimiter.Options(new RateLimitRule(rate, burst));
        Assert.Equal(burst, o.TokenLimit);
        Assert.Equal(tokens, o.TokensPerPeriod);
        Assert.Equal(periodMs, (int)o.ReplenishmentPeriod.TotalMilliseconds);
    }
}
