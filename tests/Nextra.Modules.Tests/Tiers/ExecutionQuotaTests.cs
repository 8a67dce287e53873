using Nextra.Modules.Common;
using Nextra.Modules.Runs;
using Nextra.Modules.Tests.Runs;
using Nextra.Modules.Tiers;
using Nextra.Modules.Triggers;

namespace Nextra.Modules.Tests.Tiers;

/// <summary>The monthly executions quota on the real intake and schedule paths (inbox on disk, fake clock).</summary>
public class ExecutionQuotaTests
{
    private static readonly DateTimeOffset MonthEnd = new(2026, 3, 31, 23, 58, 30, TimeSpan.Zero);

    private static Dictionary<string, string?> FreeWith(int executions) => new()
    {
        ["Tiers:DefaultTier"] = "free",
        ["Tiers:Free:ExecutionsPerMonth"] = executions.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static Task AcceptAsync(RuntimeHarness rt, TimeProvider time, string flowId = "f1") =>
        rt.Get<TriggerIntake>().AcceptAsync(new RunRequest
        {
            Id = RunIds.New(time), TenantId = "t1", FlowId = flowId, Source = RunSource.ForManual(), PayloadJson = """{"name":"ada"}""", CreatedAt = time.GetUtcNow(),
        }, null, default);

    [Fact]
    public async Task Intake_AtLimit_429_SurvivesRestart_ResetsAtMonthStart()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter);
        var time = new ManualTime(MonthEnd);
        await using (var first = await RuntimeHarness.CreateAsync(dir.Path, catalog, FreeWith(2), time))
        {
            await first.StartAsync("f1");
            await AcceptAsync(first, time);
            await AcceptAsync(first, time);
            var ex = await Assert.ThrowsAsync<ApiException>(() => AcceptAsync(first, time));
            Assert.Equal((429, "quota_exceeded"), (ex.Status, ex.Code));
            Assert.Contains("runs are accepted again from 2026-04-01 00:00 UTC", ex.Detail);
            Assert.Equal(2, await first.Get<ExecutionMeter>().UsedAsync("t1", time.GetUtcNow()));
        }

        await using var second = await RuntimeHarness.CreateAsync(dir.Path, catalog, FreeWith(2), time);
        await second.StartAsync("f1");
        Assert.Equal(2, await second.Get<ExecutionMeter>().UsedAsync("t1", time.GetUtcNow())); // read back from inbox.db
        Assert.Equal(429, (await Assert.ThrowsAsync<ApiException>(() => AcceptAsync(second, time))).Status);

        time.Advance(TimeSpan.FromMinutes(2)); // 2026-04-01T00:00:30Z
        await AcceptAsync(second, time);
        Assert.Equal(1, await second.Get<ExecutionMeter>().UsedAsync("t1", time.GetUtcNow()));
        Assert.Equal(2, await second.Inbox.MonthlyExecutionsAsync("t1", "2026-03"));
    }

    [Fact]
    public async Task Intake_BelowLimitAndUnlimitedTier_Accepted()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter);
        var time = new ManualTime(MonthEnd);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog, time: time); // default tier: enterprise, unlimited
        await rt.StartAsync("f1");
        for (var i = 0; i < 20; i++) await AcceptAsync(rt, time);
        Assert.Equal(20, await rt.Get<ExecutionMeter>().UsedAsync("t1", time.GetUtcNow()));
    }

    [Fact]
    public async Task ScheduleFire_OverQuota_RecordedAsSkippedQuota()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Scheduled("skip"));
        var time = new ManualTime(new DateTimeOffset(2026, 3, 1, 10, 0, 30, TimeSpan.Zero));
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog, FreeWith(1), time);
        await rt.StartAsync("f1");
        var schedules = rt.Get<ScheduleService>();

        time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(1, await schedules.TickAsync()); // the month's one execution
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await schedules.TickAsync()); // refused
        Assert.Equal(0, await schedules.TickAsync()); // and not retried: the slot is spent

        var runs = await WaitForRunsAsync(rt, "f1", 2);
        var refused = runs.Single(r => r.Status == "failed");
        Assert.Equal("schedule:tick", refused.Trigger);
        Assert.Equal("skipped_quota", refused.Error!.Code);
        Assert.Contains("free tier allows 1 execution a month", refused.Error.Message);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 2, 0, TimeSpan.Zero), await rt.Inbox.LastSlotAsync("t1", "f1", "tick"));
        Assert.Equal(1, await rt.Inbox.MonthlyExecutionsAsync("t1", "2026-03"));
    }

    private static async Task<IReadOnlyList<RunSummary>> WaitForRunsAsync(RuntimeHarness rt, string flowId, int count)
    {
        for (var i = 0; i < 200; i++)
        {
            var items = (await rt.Traces.ListAsync("t1", flowId, new RunQuery())).Items;
            if (items.Count >= count) return items;
            await Task.Delay(20);
        }
        throw new TimeoutException($"expected {count} runs");
    }
}
