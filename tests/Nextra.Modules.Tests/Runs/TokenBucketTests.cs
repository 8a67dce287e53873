using Nextra.Modules.Triggers;

namespace Nextra.Modules.Tests.Runs;

public class TokenBucketTests
{
    [Fact]
    public void TryTake_BurstExhausted_RefusesUntilRefilled()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var bucket = new TokenBucket(ratePerSecond: 10, burst: 3, time);
        Assert.True(bucket.TryTake());
        Assert.True(bucket.TryTake());
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
        Assert.Equal(0.1, bucket.SecondsUntilToken(), 3);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
    }

    [Fact]
    public void TryTake_LongIdle_CapsAtBurst()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var bucket = new TokenBucket(ratePerSecond: 100, burst: 2, time);
        time.Advance(TimeSpan.FromHours(1));
        Assert.True(bucket.TryTake());
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
    }
}
