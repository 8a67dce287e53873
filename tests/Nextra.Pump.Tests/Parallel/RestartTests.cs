using System.Collections.Concurrent;
using Nextra.Pump.Handlers;
using Nextra.Pump.Memory;
using Nextra.Pump.Runs;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;
using static Nextra.Pump.Tests.Parallel.ParallelFlows;

namespace Nextra.Pump.Tests.Parallel;

/// <summary>Gathers live in the shared backend: a run that runs again after a pump restart keeps what was collected.</summary>
public class RestartTests
{
    /// <summary>Counts completed steps per listener.</summary>
    private sealed class StepCounter : IPumpObserver
    {
        public ConcurrentDictionary<string, int> Done { get; } = new();
        public void StepCompleted(RunRecord run, RunStep step) => Done.AddOrUpdate(step.Listener, 1, (_, n) => n + 1);
    }

    private static async Task<StreamPump> StartAsync(string yaml, ISharedBackend backend, ScriptFactory script, IPumpObserver? observer = null)
    {
        var flow = Pumps.Load(yaml, script);
        var pump = new StreamPump(flow, new HandlerRegistry([script]), new LocalFlowServices(flow), observer, new PumpOptions { SendBoot = false, Backend = backend });
        await pump.StartAsync(CancellationToken.None);
        return pump;
    }

    private static async Task WaitForAsync(Func<bool> done)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!done())
        {
            await Task.Delay(10, cts.Token);
        }
    }

    [Fact]
    public async Task Join_PumpRestartsMidway_AnswersCollectedBeforeAreKeptAndNotAskedAgain()
    {
        var backend = new InMemorySharedBackend();
        var first = new ScriptFactory()
            .On("b0", c => HandlerResult.Forward(Answer("first:0"), "collect"))
            .On("b1", c => HandlerResult.Forward(Answer("first:1"), "collect"))
            .On("b2", async (c, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct); // still running when the pump stops
                return HandlerResult.End;
            });
        var counter = new StepCounter();
        var pumpA = await StartAsync(FanoutJoin(3), backend, first, counter);
        var handle = await pumpA.InjectAsync(new Injection { RunId = "run_restart", PayloadXml = "<Q><Text>hi</Text></Q>", Target = "ask" }, CancellationToken.None);
        await WaitForAsync(() => counter.Done.GetValueOrDefault("collect") == 2);
        Assert.Equal(["run_restart"], await pumpA.StopAsync(TimeSpan.Zero, CancellationToken.None));
        await pumpA.DisposeAsync();
        Assert.Equal("cancelled", (await handle.Completion).Status);
        Assert.Equal(1, backend.GatherCount); // the interrupted run's gather stays for its next attempt

        var asked = new ConcurrentBag<string>();
        var second = new ScriptFactory();
        foreach (var b in new[] { "b0", "b1", "b2" })
        {
            var name = b;
            second.On(name, c =>
            {
                asked.Add(name);
                return HandlerResult.Forward(Answer($"second:{name[1..]}"), "collect");
            });
        }
        await using var pumpB = await StartAsync(FanoutJoin(3), backend, second);
        var again = await pumpB.InjectAsync(new Injection { RunId = "run_restart", PayloadXml = "<Q><Text>hi</Text></Q>", Target = "ask" }, CancellationToken.None);
        var run = await again.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal([(0, true, "", "first:0"), (1, true, "", "first:1"), (2, true, "", "second:2")], Items(run));
        Assert.Equal(["b2"], asked);
        Assert.Equal(0, backend.GatherCount); // pruned with the run's threads
    }

    [Fact]
    public async Task Map_PumpRestartsMidway_ResumesWithTheItemsNotYetAnswered()
    {
        var backend = new InMemorySharedBackend();
        var first = new ScriptFactory().On("work", async (c, ct) =>
        {
            if (c.Payload.Element("Sku")!.Value == "c")
                await Task.Delay(Timeout.Infinite, ct);
            return HandlerResult.Respond(Answer("first:" + c.Payload.Element("Sku")!.Value));
        });
        var counter = new StepCounter();
        var yaml = MapSequenceTests.MapYaml.Replace("concurrency: 2", "concurrency: 1");
        var pumpA = await StartAsync(yaml, backend, first, counter);
        const string order = "<Order><Id>o</Id><Lines><Item><Sku>a</Sku><Qty>1</Qty></Item><Item><Sku>b</Sku><Qty>1</Qty></Item><Item><Sku>c</Sku><Qty>1</Qty></Item><Item><Sku>d</Sku><Qty>1</Qty></Item></Lines></Order>";
        await pumpA.InjectAsync(new Injection { RunId = "run_map", PayloadXml = order, Target = "each" }, CancellationToken.None);
        await WaitForAsync(() => counter.Done.GetValueOrDefault("work") == 2);
        await pumpA.StopAsync(TimeSpan.Zero, CancellationToken.None);
        await pumpA.DisposeAsync();

        var asked = new ConcurrentBag<string>();
        var second = new ScriptFactory().On("work", c =>
        {
            asked.Add(c.Payload.Element("Sku")!.Value);
            return HandlerResult.Respond(Answer("second:" + c.Payload.Element("Sku")!.Value));
        });
        await using var pumpB = await StartAsync(yaml, backend, second);
        var run = await (await pumpB.InjectAsync(new Injection { RunId = "run_map", PayloadXml = order, Target = "each" }, CancellationToken.None)).Completion.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal(["first:a", "first:b", "second:c", "second:d"], Items(run).Select(i => i.Text));
        Assert.Equal(["c", "d"], asked.Order());
    }

    [Fact]
    public async Task Gathers_RunEndsNormallyOrIsCancelled_ArePruned()
    {
        var backend = new InMemorySharedBackend();
        var script = new ScriptFactory()
            .On("b0", c => HandlerResult.Forward(Answer("0"), "collect"))
            .On("b1", async (c, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return HandlerResult.End;
            });
        await using var pump = await StartAsync(FanoutJoin(2), backend, script);
        var handle = await pump.InjectAsync(new Injection { PayloadXml = "<Q><Text>hi</Text></Q>", Target = "ask" }, CancellationToken.None);
        await WaitForAsync(() => backend.GatherCount == 1);
        Assert.True(pump.CancelRun(handle.RunId));
        await handle.Completion;
        await WaitForAsync(() => backend.GatherCount == 0);
    }

    [Fact]
    public async Task SharedBackend_GatherContract()
    {
        await using var b = new InMemorySharedBackend();
        var opened = await b.GatherOpenAsync("g", 3, 1234, "e1", CancellationToken.None);
        Assert.Equal((3, 1234L, false, 0), (opened.Slots, opened.DeadlineUnixMs, opened.Closed, opened.Filled.Count));
        Assert.Equal(new GatherFillResult(true, false, 1, 3), await b.GatherFillAsync("g", 1, [1], CancellationToken.None));
        Assert.Equal(new GatherFillResult(false, false, 1, 3), await b.GatherFillAsync("g", 1, [9], CancellationToken.None)); // first answer wins
        Assert.Equal(0, await b.GatherClaimNextAsync("g", CancellationToken.None));
        Assert.Equal(2, await b.GatherClaimNextAsync("g", CancellationToken.None)); // skips the filled slot
        Assert.Equal(-1, await b.GatherClaimNextAsync("g", CancellationToken.None));
        var closed = await b.GatherCloseAsync("g", CancellationToken.None);
        Assert.Equal([null, [1], null], closed!);
        Assert.Null(await b.GatherCloseAsync("g", CancellationToken.None)); // exactly once
        Assert.Equal(new GatherFillResult(false, true, 1, 3), await b.GatherFillAsync("g", 0, [2], CancellationToken.None));
        // Same epoch: as stored. Another epoch (a restart): re-opened with its answers and deadline.
        Assert.True((await b.GatherOpenAsync("g", 3, 99, "e1", CancellationToken.None)).Closed);
        var reopened = await b.GatherOpenAsync("g", 3, 99, "e2", CancellationToken.None);
        Assert.Equal((false, 1234L), (reopened.Closed, reopened.DeadlineUnixMs));
        Assert.Equal([1], reopened.Filled[1]);
        Assert.Equal(0, await b.GatherClaimNextAsync("g", CancellationToken.None));
        Assert.True(await b.GatherDeleteAsync("g", CancellationToken.None));
        Assert.Equal(new GatherFillResult(false, true, 0, 0), await b.GatherFillAsync("g", 0, [2], CancellationToken.None));
    }
}
