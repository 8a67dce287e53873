using Nextra.Modules.Triggers;

namespace Nextra.Modules.Tests.Runs;

public class ScheduleServiceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 30, TimeSpan.Zero);

    [Fact]
    public async Task Tick_SlotDue_FiresOnceAndRuns()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Scheduled("skip"));
        var time = new ManualTime(T0);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog, time: time);
        Assert.Equal("running", (await rt.StartAsync("f1")).Status);
        var schedules = rt.Get<ScheduleService>();
        Assert.Equal(0, await schedules.TickAsync());
        time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(1, await schedules.TickAsync());
        Assert.Equal(0, await schedules.TickAsync());
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 1, 0, TimeSpan.Zero), await rt.Inbox.LastSlotAsync("t1", "f1", "tick"));
        var page = await WaitForRunsAsync(rt, "f1", 1);
        Assert.Equal("schedule:tick", page[0].Trigger);
        Assert.Equal("succeeded", page[0].Status);
    }

    [Fact]
    public async Task Tick_TriggerWithInput_FiresWithThatPayload()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", """
            organism: {name: reporter}
            payloads:
              Report: {fields: {Title: string, Days: int}}
            triggers:
              - {name: nightly, type: schedule, cron: "* * * * *", timezone: UTC, target: done, payload: Report,
                 input: {title: nightly report, days: 7}}
            listeners:
              - {name: done, description: the answer, payload_class: Report, handler: output}
            """);
        var time = new ManualTime(T0);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog, time: time);
        Assert.Equal("running", (await rt.StartAsync("f1")).Status);
        time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(1, await rt.Get<ScheduleService>().TickAsync());

        var page = await WaitForRunsAsync(rt, "f1", 1);
        var run = await rt.WaitRunAsync(page[0].RunId);
        Assert.Equal("succeeded", run.Status);
        Assert.Equal("nightly report", run.Outputs[0].Payload["Title"]!.GetValue<string>());
        Assert.Equal(7, run.Outputs[0].Payload["Days"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("skip", 0)]
    [InlineData("run_once", 1)]
    public async Task Restart_AfterDowntime_MissedSlotsFollowPolicy(string policy, int expected)
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Scheduled(policy), status: "running");
        var time = new ManualTime(T0);
        await using (var first = await RuntimeHarness.CreateAsync(dir.Path, catalog, time: time))
        {
            await first.StartAsync("f1");
            time.Advance(TimeSpan.FromSeconds(40));
            Assert.Equal(1, await first.Get<ScheduleService>().TickAsync());
            await WaitForRunsAsync(first, "f1", 1);
        }
        // Two hours down: 119 slots missed.
        time.Advance(TimeSpan.FromHours(2));
        // Grace 5 s: the latest slot (12:01:00, now 12:01:10) counts as missed, not late.
        await using var second = await RuntimeHarness.CreateAsync(dir.Path, catalog, new() { ["Triggers:ScheduleGraceSeconds"] = "5" }, time);
        await second.StartAsync("f1");
        Assert.Equal(expected, await second.Get<ScheduleService>().TickAsync());
        Assert.Equal(0, await second.Get<ScheduleService>().TickAsync());
        await WaitForRunsAsync(second, "f1", 1 + expected);
    }

    private static async Task<IReadOnlyList<Modules.Runs.RunSummary>> WaitForRunsAsync(RuntimeHarness rt, string flowId, int count)
    {
        for (var i = 0; i < 200; i++)
        {
            var items = (await rt.Traces.ListAsync("t1", flowId, new Modules.Runs.RunQuery())).Items;
            if (items.Count >= count) return items;
            await Task.Delay(20);
        }
        throw new TimeoutException($"expected {count} runs");
    }
}
