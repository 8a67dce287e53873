using Nextra.Modules.Common;

namespace Nextra.Modules.Tests.Ids;

public sealed class SortableIdTests
{
    [Fact]
    public void IdsOfOneMillisecond_AreStrictlyIncreasing_AsTextAndAsVersion7()
    {
        var at = new DateTimeOffset(2026, 12, 5, 13, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 10_000).Select(_ => SortableId.New(at)).ToList();
        for (var i = 1; i < ids.Count; i++)
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"{ids[i - 1]} !< {ids[i]}");
        Assert.All(ids, id => Assert.Equal(7, Guid.Parse(id).Version));
        Assert.All(ids, id => Assert.Contains(id[19], "89ab"));
    }

    [Fact]
    public void AClockThatGoesBack_NeverReordersIds_AndTheTimestampIsTheMillisecond()
    {
        var at = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var later = SortableId.New(at);
        var earlierClock = SortableId.New(at.AddSeconds(-5));
        Assert.True(string.CompareOrdinal(later, earlierClock) < 0);
        var text = SortableId.New(at.AddDays(1)).Replace("-", "", StringComparison.Ordinal);
        Assert.Equal(at.AddDays(1).ToUnixTimeMilliseconds(), Convert.ToInt64(text[..12], 16));
    }
}
