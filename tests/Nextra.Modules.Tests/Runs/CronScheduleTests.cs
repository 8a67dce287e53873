using Nextra.Modules.Triggers;

namespace Nextra.Modules.Tests.Runs;

public class CronScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NextSlots_EveryFiveMinutes_ReturnsConsecutiveSlots()
    {
        var schedule = CronSchedule.Parse("*/5 * * * *", null);
        var slots = schedule.NextSlots(T0.AddSeconds(1), 3);
        Assert.Equal([T0.AddMinutes(5), T0.AddMinutes(10), T0.AddMinutes(15)], slots);
    }

    [Fact]
    public void Next_TimeZone_FiresAtLocalNine()
    {
        var schedule = CronSchedule.Parse("0 9 * * *", "Europe/Paris");
        // 1 March: Paris is UTC+1, so 09:00 local is 08:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), schedule.Next(T0));
        // 1 July: Paris is UTC+2.
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 7, 0, 0, TimeSpan.Zero), schedule.Next(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Parse_SixFields_IncludesSeconds()
    {
        var schedule = CronSchedule.Parse("*/10 * * * * *", "UTC");
        Assert.Equal(T0.AddSeconds(10), schedule.Next(T0));
    }

    [Fact]
    public void TryParse_BadExpression_ReportsError()
    {
        Assert.False(CronSchedule.TryParse("61 * * * *", null, out _, out var error));
        Assert.NotNull(error);
        Assert.False(CronSchedule.TryParse("* * * * *", "Mars/Olympus", out _, out _));
    }

    [Fact]
    public void DueSlots_OnTime_FiresThatSlotOnce()
    {
        var schedule = CronSchedule.Parse("* * * * *", null);
        var due = schedule.DueSlots(T0, T0.AddMinutes(1).AddSeconds(2), "skip", TimeSpan.FromSeconds(30));
        Assert.Equal([T0.AddMinutes(1)], due);
    }

    [Fact]
    public void DueSlots_SeveralOnTime_FiresEachOnce()
    {
        // A late tick (or a takeover after the owner died) finds three slots within the grace window: none is lost.
        var schedule = CronSchedule.Parse("*/2 * * * * *", "UTC");
        Assert.Equal([T0.AddSeconds(2), T0.AddSeconds(4), T0.AddSeconds(6)], schedule.DueSlots(T0, T0.AddSeconds(7), "skip", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void DueSlots_MissedAndOnTime_FiresOnlyTheOnTimeOnes()
    {
        var schedule = CronSchedule.Parse("* * * * *", null);
        var due = schedule.DueSlots(T0, T0.AddHours(2).AddSeconds(70), "run_once", TimeSpan.FromSeconds(90));
        Assert.Equal([T0.AddHours(2), T0.AddHours(2).AddMinutes(1)], due);
    }

    [Fact]
    public void DueSlots_MissedWithSkip_FiresNothing()
    {
        var schedule = CronSchedule.Parse("* * * * *", null);
        Assert.Empty(schedule.DueSlots(T0, T0.AddHours(2).AddSeconds(40), "skip", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void DueSlots_MissedWithRunOnce_FiresOnlyTheLatest()
    {
        var schedule = CronSchedule.Parse("* * * * *", null);
        var due = schedule.DueSlots(T0, T0.AddHours(2).AddSeconds(40), "run_once", TimeSpan.FromSeconds(30));
        Assert.Equal([T0.AddHours(2)], due);
    }

    [Fact]
    public void DueSlots_NothingDue_Empty()
    {
        var schedule = CronSchedule.Parse("0 * * * *", null);
        Assert.Empty(schedule.DueSlots(T0, T0.AddMinutes(59), "run_once", TimeSpan.FromSeconds(30)));
    }
}
