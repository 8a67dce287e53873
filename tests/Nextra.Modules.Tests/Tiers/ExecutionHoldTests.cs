using Microsoft.AspNetCore.Http;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tests.Runs;
using Nextra.Modules.Tiers;
using Nextra.Modules.Triggers;

namespace Nextra.Modules.Tests.Tiers;

/// <summary>R10 on the real intake, inbox and recorder: webhooks held at the quota and released at the period reset; refunds.</summary>
public class ExecutionHoldTests
{
    private static readonly DateTimeOffset MonthEnd = new(2026, 3, 31, 23, 58, 30, TimeSpan.Zero);

    private static Dictionary<string, string?> FreeWith(int executions) => new()
    {
        ["Tiers:DefaultTier"] = "free",
        ["Tiers:Free:ExecutionsPerMonth"] = executions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Triggers:HeldReleaseSeconds"] = "3600", // the test sweeps itself
    };

    private static async Task<(RunRequest Request, IResult Result, HttpContext Http)> WebhookAsync(RuntimeHarness rt, TimeProvider time)
    {
        var request = new RunRequest
        {
            Id = RunIds.New(time), TenantId = "t1", FlowId = "f1", Source = RunSource.ForWebhook("hook"), PayloadJson = """{"name":"ada"}""",
            CreatedAt = time.GetUtcNow(),
        };
        var http = new DefaultHttpContext();
        return (request, await rt.Get<TriggerIntake>().AcceptWebhookAsync(request, null, http, default), http);
    }

    [Fact]
    public async Task Webhook_AtLimit_HeldNotCounted_ReleasedAndCountedAtPeriodReset()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter);
        var time = new ManualTime(MonthEnd);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog, FreeWith(1), time);
        await rt.StartAsync("f1");
        var ledger = rt.Get<IUsageLedger>();
        var held = rt.Get<IHeldRunStore>();

        var (first, firstResult, firstHttp) = await WebhookAsync(rt, time);
        Assert.Equal(202, ((IStatusCodeHttpResult)firstResult).StatusCode);
        Assert.False(firstHttp.Response.Headers.ContainsKey(HeldRuns.Header));
        var (second, secondResult, secondHttp) = await WebhookAsync(rt, time);
        Assert.Equal(202, ((IStatusCodeHttpResult)secondResult).StatusCode);
        Assert.Equal("quota", secondHttp.Response.Headers[HeldRuns.Header].ToString());

        Assert.Equal("succeeded", (await rt.WaitRunAsync(first.Id)).Status);
        Assert.Equal(1, await rt.Inbox.MonthlyExecutionsAsync("t1", "2026-03"));
        Assert.Equal(1, await ledger.SumAsync("t1", UsageUnits.Execution, "2026-03"));
        Assert.Equal(1, await held.HeldAsync("t1"));
        Assert.Null(await rt.Inbox.FindAsync("t1", second.Id)); // not in the inbox: not run
        Assert.Equal(0, await rt.Get<HeldRuns>().SweepAsync()); // still March: nothing to release

        time.Advance(TimeSpan.FromMinutes(2)); // 2026-04-01T00:00:30Z: the period reset
        Assert.Equal(1, await rt.Get<HeldRuns>().SweepAsync());
        Assert.Equal("succeeded", (await rt.WaitRunAsync(second.Id)).Status);
        Assert.Equal(0, await held.HeldAsync("t1"));
        Assert.Equal(1, await rt.Inbox.MonthlyExecutionsAsync("t1", "2026-04"));
        Assert.Equal(1, await rt.Get<ExecutionMeter>().UsedAsync("t1", time.GetUtcNow()));
        var newest = (await ledger.ListAsync("t1", null, null, null, 10))[0];
        Assert.Equal((second.Id, UsageUnits.Released, "2026-04", 1L), (newest.RunId, newest.Reason, newest.Period, newest.Delta));
        Assert.Equal(0, await rt.Get<HeldRuns>().SweepAsync()); // released once
    }

    [Fact]
    public async Task Run_PlatformFault_RefundedOnce_CounterAgreesWithLedger()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter);
        var time = new ManualTime(MonthEnd);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog, FreeWith(10), time, boot: false); // nothing claims the rows
        var meter = rt.Get<ExecutionMeter>();
        var requests = Enumerable.Range(0, 3).Select(_ => rt.Request("f1") with { CreatedAt = time.GetUtcNow() }).ToList();
        foreach (var r in requests)
        {
            await meter.ReserveAsync("t1", r.CreatedAt, default);
            await rt.AppendUnclaimedAsync(r);
        }
        Assert.Equal(3, await meter.UsedAsync("t1", time.GetUtcNow()));

        var recorder = rt.Get<RunRecorder>();
        await recorder.FailAsync(requests[0], LeaseFence.None, "pump_crash", "the pump faulted");
        await recorder.FailAsync(requests[1], LeaseFence.None, "flow_not_running", "the flow is stopped"); // the tenant's doing: stays counted
        await recorder.FailAsync(requests[0], LeaseFence.None, "pump_crash", "recorded again after a crash"); // refunded once

        Assert.Equal(2, await meter.UsedAsync("t1", time.GetUtcNow()));
        Assert.Equal(2, await rt.Inbox.MonthlyExecutionsAsync("t1", "2026-03"));
        Assert.Equal(2, await rt.Get<IUsageLedger>().SumAsync("t1", UsageUnits.Execution, "2026-03"));
        var refund = (await rt.Get<IUsageLedger>().ListAsync("t1", null, null, null, 10))[0];
        Assert.Equal((requests[0].Id, -1L, UsageUnits.PlatformFault), (refund.RunId, refund.Delta, refund.Reason));
    }

    [Theory]
    [InlineData("cancelled", null, 0, UsageUnits.CancelledBeforeStart)]
    [InlineData("cancelled", "cancelled", 2, null)]
    [InlineData("failed", "internal_error", 1, UsageUnits.PlatformFault)]
    [InlineData("failed", "gave_up", 0, UsageUnits.PlatformFault)]
    [InlineData("failed", "http_error", 3, null)]
    [InlineData("failed", "skipped_quota", 0, null)]
    [InlineData("succeeded", null, 4, null)]
    public void ReasonFor_R10Rules(string status, string? code, int steps, string? reason) =>
        Assert.Equal(reason, UsageRefunds.ReasonFor(status, code, steps));
}
