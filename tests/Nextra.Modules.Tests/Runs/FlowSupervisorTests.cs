using Nextra.Modules.Flows;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Runs;

public class FlowSupervisorTests
{
    [Fact]
    public async Task Start_ValidFlow_RunsAndPersistsRunning()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog);
        var status = await rt.StartAsync("f1");
        Assert.Equal("running", status.Status);
        Assert.Equal("running", catalog.Flows["f1"].Status);
        var item = await rt.SendAsync("f1");
        var run = await rt.WaitRunAsync(item.Id);
        Assert.Equal("succeeded", run.Status);
        Assert.Equal("webhook:hook", run.Trigger);
        Assert.Contains(run.Steps, s => s.Listener == "route");
        Assert.Equal("done", Assert.Single(run.Outputs).Listener);
        Assert.True(await rt.InboxRowRemovedAsync(item.Id));
    }

    [Theory]
    [InlineData("running", "succeeded")]
    [InlineData("stopped", "failed")]
    public async Task Dispatch_LeaseTakenBeforeFlowsStarted_StartsAFlowMeantToRunOtherwiseFails(string stored, string expected)
    {
        // The lease comes first and the partition's flows are started afterwards (a takeover, a boot under load): a
        // webhook that lands in between is for a flow with no slot yet. Before the fix it failed with flow_not_running.
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter, status: stored);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog, boot: false);
        await rt.Ownership.StartAsync(new SilentListener(), CancellationToken.None);
        var run = await rt.WaitRunAsync((await rt.SendAsync("f1")).Id);
        Assert.Equal(expected, run.Status);
        if (expected == "failed") Assert.Equal("flow_not_running", run.Error?.Code);
        else Assert.Equal("running", (await rt.Supervisor.StatusAsync("t1", "f1", default))!.Status);
        Assert.Equal(stored, catalog.Flows["f1"].Status);
    }

    [Fact]
    public async Task Dispatch_RequestUnderAnOldLease_FlowNotRunningHere_StaysPendingForTheOwner()
    {
        // A request claimed (or appended) under a lease this instance no longer holds reaches a flow that does not run
        // here: it is the new owner's to run, so it must not be failed with flow_not_running under the old fence.
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter, status: "stopped");
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog, boot: false);
        await rt.Ownership.StartAsync(new SilentListener(), CancellationToken.None);
        Assert.True(rt.Ownership.TryGetLease("f1", out var current));
        var old = current with { Epoch = current.Epoch - 1 };
        var request = rt.Request("f1");
        await rt.Inbox.AppendAsync(request, old.Partition, old);
        rt.Supervisor.Enqueue(request, old);
        await Task.Delay(500);
        Assert.Null(await rt.TraceAsync(request.Id));
        Assert.NotNull(await rt.Inbox.FindAsync(RuntimeHarness.Tenant, request.Id));
    }

    private sealed class SilentListener : IOwnershipListener
    {
        public Task AcquiredAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct) => Task.CompletedTask;
        public Task LostAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct) => Task.CompletedTask;
    }

    [Fact]
    public async Task Start_InvalidFlow_ErrorWithReasonAndOthersUnaffected()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("bad", TestFlows.Invalid);
        catalog.Add("good", TestFlows.Greeter);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog);
        var bad = await rt.StartAsync("bad");
        Assert.Equal("error", bad.Status);
        Assert.Contains("invalid flow", bad.Error);
        Assert.Equal("error", catalog.Flows["bad"].Status);
        Assert.Equal("running", (await rt.StartAsync("good")).Status);
        var run = await rt.WaitRunAsync((await rt.SendAsync("good")).Id);
        Assert.Equal("succeeded", run.Status);
    }

    [Fact]
    public async Task Status_ErrorReason_SurvivesRestartAndClearsOnSuccess()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("bad", TestFlows.Invalid);
        await using (var first = await RuntimeHarness.CreateAsync(dir.Path, catalog))
        {
            Assert.Equal("error", (await first.StartAsync("bad")).Status);
        }
        await using var second = await RuntimeHarness.CreateAsync(dir.Path, catalog);
        var after = await second.Supervisor.StatusAsync("t1", "bad", CancellationToken.None);
        Assert.Equal("error", after!.Status);
        Assert.Contains("invalid flow", after.Error);

        catalog.Add("bad", TestFlows.Greeter, status: "error");
        Assert.Equal("running", (await second.StartAsync("bad")).Status);
        await second.Supervisor.StopAsync("bad", "t1", CancellationToken.None);
        Assert.Null(await second.Get<IFlowRuntimeStore>().GetErrorAsync("t1", "bad"));
    }

    [Fact]
    public async Task Dispatch_FlowWithHungHandlers_OtherFlowKeepsRunning()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("hung", TestFlows.Code("hang"));
        catalog.Add("fine", TestFlows.Greeter);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog);
        await rt.StartAsync("hung");
        await rt.StartAsync("fine");
        // Far more than the hung flow's 20 workers: its queue fills, the other flow must not notice.
        var hung = new List<RunRequest>();
        for (var i = 0; i < 200; i++) hung.Add(await rt.SendAsync("hung"));
        var fine = new List<RunRequest>();
        for (var i = 0; i < 50; i++) fine.Add(await rt.SendAsync("fine"));
        foreach (var item in fine) Assert.Equal("succeeded", (await rt.WaitRunAsync(item.Id)).Status);
        Assert.Null(await rt.TraceAsync(hung[0].Id));
    }

    [Fact]
    public async Task Dispatch_HandlerCrash_RunFailsFlowStaysRunning()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Code("crash"));
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog);
        var started = await rt.StartAsync("f1");
        Assert.True(started.Status == "running", started.Error);
        var run = await rt.WaitRunAsync((await rt.SendAsync("f1")).Id);
        Assert.Equal("failed", run.Status);
        Assert.Contains(run.Steps, s => s.Error?.Code == "handler_crashed");
        Assert.Equal("running", (await rt.Supervisor.StatusAsync("t1", "f1", default))!.Status);
    }

    [Fact]
    public async Task Idle_FlowSleeps_NextTriggerWakesItAndRuns()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog);
        await rt.StartAsync("f1");
        await rt.WaitRunAsync((await rt.SendAsync("f1")).Id);
        var slot = rt.Supervisor.Slots.Single();
        Assert.True(await rt.Supervisor.SleepIfIdleAsync(slot, TimeSpan.Zero));
        var asleep = await rt.Supervisor.StatusAsync("t1", "f1", default);
        Assert.True(asleep!.Asleep);
        Assert.Equal("running", asleep.Status);
        Assert.Null(slot.Pump);
        var run = await rt.WaitRunAsync((await rt.SendAsync("f1")).Id);
        Assert.Equal("succeeded", run.Status);
        Assert.NotNull(slot.Pump);
        Assert.False((await rt.Supervisor.StatusAsync("t1", "f1", default))!.Asleep);
    }

    [Fact]
    public async Task Idle_KeepAlive_NeverSleeps()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog);
        await rt.StartAsync("f1");
        await rt.Supervisor.SetKeepAliveAsync("t1", "f1", true, default);
        Assert.False(await rt.Supervisor.SleepIfIdleAsync(rt.Supervisor.Slots.Single(), TimeSpan.Zero));
    }

    [Fact]
    public async Task Stop_QueuedRunsEndFailedAndWebhooksRejected()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog);
        await rt.StartAsync("f1");
        var status = await rt.Supervisor.StopAsync("f1", "t1", default);
        Assert.Equal("stopped", status.Status);
        Assert.Equal("stopped", catalog.Flows["f1"].Status);
        Assert.Null(rt.Supervisor.AcceptingTenant("f1"));
        var run = await rt.WaitRunAsync((await rt.SendAsync("f1")).Id);
        Assert.Equal("failed", run.Status);
        Assert.Equal("flow_not_running", run.Error!.Code);
    }

    [Fact]
    public async Task Reload_InvalidSave_LeavesRunningVersion()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter);
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog);
        await rt.StartAsync("f1");
        catalog.SetYaml("f1", TestFlows.Invalid);
        var report = await rt.Supervisor.OnFlowChangedAsync(new FlowSaved("t1", "f1", "test", 2), default);
        Assert.False(report!.Ok);
        Assert.NotEmpty(report.Problems);
        Assert.Equal("succeeded", (await rt.WaitRunAsync((await rt.SendAsync("f1")).Id)).Status);

        catalog.SetYaml("f1", TestFlows.Greeter.Replace("description: the answer", "description: the final answer"));
        var ok = await rt.Supervisor.OnFlowChangedAsync(new FlowSaved("t1", "f1", "test", 3), default);
        Assert.True(ok!.Ok);
        Assert.Equal("the final answer", rt.Supervisor.ActiveDefinition("f1")!.Listeners.Single(l => l.Name == "done").Description);
    }

    [Fact]
    public async Task Recovery_PendingRowsAfterCrash_RerunOnceAndFinishedNotRerun()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Greeter, status: "running");
        string finishedId, pendingId;
        await using (var first = await RuntimeHarness.CreateAsync(dir.Path, catalog))
        {
            // A run that finished but whose inbox delete was lost, and one acknowledged but never run.
            await first.StartAsync("f1");
            var finished = await first.SendAsync("f1");
            await first.WaitRunAsync(finished.Id);
            Assert.True(await first.InboxRowRemovedAsync(finished.Id));
            await first.AppendUnclaimedAsync(finished);
            finishedId = finished.Id;
            await first.Supervisor.StopAsync("f1", "t1", default);
            catalog.Flows["f1"] = catalog.Flows["f1"] with { Status = "running" };
            var pending = finished with { Id = RunIds.New() };
            await first.AppendUnclaimedAsync(pending);
            pendingId = pending.Id;
        }
        await using var second = await RuntimeHarness.CreateAsync(dir.Path, catalog, boot: false);
        var before = (await second.TraceAsync(finishedId))!;
        await second.BootAsync();
        var rerun = await second.WaitRunAsync(pendingId);
        Assert.Equal("succeeded", rerun.Status);
        for (var i = 0; i < 100 && await second.Inbox.CountPendingAsync() > 0; i++) await Task.Delay(20);
        Assert.Equal(0, await second.Inbox.CountPendingAsync());
        Assert.Equal(before.StartedAt, (await second.TraceAsync(finishedId))!.StartedAt);
        Assert.Equal("running", catalog.Flows["f1"].Status);
    }

    [Fact]
    public async Task Shutdown_InFlightRunsBeyondDrain_StayPendingForRestart()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Code("hang"), status: "running");
        RunRequest item;
        await using (var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog))
        {
            for (var i = 0; i < 100 && rt.Supervisor.AcceptingTenant("f1") is null; i++) await Task.Delay(20);
            item = await rt.SendAsync("f1");
            Assert.True(await rt.WaitActiveAsync(item.Id));
        }
        await using var after = await RuntimeHarness.CreateAsync(dir.Path, catalog, boot: false);
        Assert.Equal(item.Id, Assert.Single(await after.Inbox.ListPendingAsync(null, 10)).Id);
        Assert.Null(await after.TraceAsync(item.Id));
    }

    [Fact]
    public async Task Cancel_RunningRun_EndsCancelled()
    {
        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("f1", TestFlows.Code("hang"));
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog);
        await rt.StartAsync("f1");
        var item = await rt.SendAsync("f1");
        Assert.True(await rt.WaitActiveAsync(item.Id));
        rt.Supervisor.CancelRequested(new RunSignal("t1", "f1", item.Id));
        var run = await rt.WaitRunAsync(item.Id);
        Assert.Equal("cancelled", run.Status);
        Assert.True(await rt.InboxRowRemovedAsync(item.Id));
    }
}
