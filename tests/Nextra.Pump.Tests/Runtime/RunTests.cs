using System.Xml.Linq;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;
using static Nextra.Pump.Tests.Runtime.Flows;

namespace Nextra.Pump.Tests.Runtime;

public class RunTests
{
    [Fact]
    public async Task Run_ReachingOutput_SucceedsWithOutputsAndSteps()
    {
        var script = new ScriptFactory().On("a", c => HandlerResult.Forward(Msg(c.Text() + "!"), "b")).On("b", c => HandlerResult.Forward(c.Payload, "out"));
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var run = await pump.RunAsync(MsgXml("hi"), "a");
        Assert.Equal("succeeded", run.Status);
        Assert.Null(run.Error);
        var output = Assert.Single(run.Outputs);
        Assert.Equal(("out", "Msg", "hi!", "<Msg><Text>hi!</Text></Msg>"), (output.Listener, output.Class, output.Payload["Text"]!.GetValue<string>(), output.Xml));
        Assert.Equal(["a", "b", "out"], run.Steps.Select(s => s.Listener));
        Assert.Equal([0, 1, 2], run.Steps.Select(s => s.Index));
        Assert.Equal(["manual", "a", "b"], run.Steps.Select(s => s.From));
        Assert.Equal(["b", "out", null], run.Steps.Select(s => s.To));
        Assert.Equal("<Msg><Text>hi</Text></Msg>", run.Steps[0].PayloadIn);
        Assert.Equal(["<Msg><Text>hi!</Text></Msg>"], run.Steps[0].PayloadsOut!);
        Assert.Equal(0, pump.ActiveRuns);
    }

    [Fact]
    public async Task Run_WithoutOutput_FailsWithNoOutput()
    {
        var script = new ScriptFactory().On("a", c => HandlerResult.End);
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        Assert.Equal(("failed", "no_output"), (run.Status, run.Error!.Code));
    }

    [Fact]
    public async Task Run_PastItsDeadline_TimesOutAndCancelsHandlers()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new ScriptFactory().On("a", async (c, ct) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                cancelled.TrySetResult();
            }
            return HandlerResult.End;
        });
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "a", TimeSpan.FromMilliseconds(200));
        Assert.Equal(("timed_out", "run_timed_out"), (run.Status, run.Error!.Code));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Timeout_HandlerIgnoringCancellation_StillTimesOutAndFreesItsSlot()
    {
        var script = new ScriptFactory().On("b", async (c, ct) => { await Task.Delay(2000, CancellationToken.None); return HandlerResult.End; })
            .On("a", c => HandlerResult.Forward(c.Payload, "out"));
        var yaml = Basic.With("{name: b, description: Worker B, payload_class: Msg, handler: script}", "{name: b, description: Worker B, payload_class: Msg, handler: script, timeout_seconds: 0.1}") + "\nmax_concurrent_handlers: 1\n";
        await using var pump = await Pumps.StartAsync(yaml, options: new PumpOptions { SendBoot = false }, kinds: script);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var run = await pump.RunAsync(MsgXml("x"), "b");
        Assert.Equal(("failed", "timeout"), (run.Status, run.Error!.Code));
        Assert.Equal("succeeded", (await pump.RunAsync(MsgXml("x"), "a")).Status); // the only slot is free again
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public async Task Inject_ExternalThreadInUse_GetsAFreshThread()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new ScriptFactory().On("a", async (c, ct) => { await release.Task.WaitAsync(ct); return HandlerResult.Forward(c.Payload, "out"); });
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var thread = Guid.NewGuid().ToString("D");
        var env = $"<message xmlns='{Nextra.Pump.Messages.Envelope.NamespaceUri}'><meta><from>x</from><to>a</to><thread>{thread}</thread></meta><Msg xmlns=''><Text>t</Text></Msg></message>";
        var first = await pump.InjectAsync(new Injection { PayloadXml = env }, CancellationToken.None);
        var second = await pump.InjectAsync(new Injection { PayloadXml = env }, CancellationToken.None);
        release.SetResult();
        var (r1, r2) = (await first.Completion, await second.Completion);
        Assert.Equal(("succeeded", "succeeded"), (r1.Status, r2.Status));
        Assert.Equal(thread, r1.Steps[0].Thread);
        Assert.Equal("thread_replaced", r2.Steps[0].Error!.Code);
        Assert.NotEqual(thread, r2.Steps[1].Thread);
    }

    [Fact]
    public async Task CancelRun_EndsItCancelled_QueuedMessagesDropped()
    {
        var script = new ScriptFactory().On("a", async (c, ct) => { await Task.Delay(Timeout.Infinite, ct); return HandlerResult.End; });
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var handle = await pump.InjectAsync(new Injection { PayloadXml = MsgXml("x"), Target = "a" }, CancellationToken.None);
        await Task.Delay(50);
        Assert.True(pump.CancelRun(handle.RunId));
        Assert.False(pump.CancelRun(handle.RunId));
        var run = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(("cancelled", "cancelled"), (run.Status, run.Error!.Code));
        var steps = run.Steps.Count;
        await Task.Delay(100); // the cancelled handler's late step must not touch the handed-out record
        Assert.Equal(steps, run.Steps.Count);
    }

    [Fact]
    public async Task Stop_AfterDispose_IsANoOp()
    {
        var pump = await Pumps.StartAsync(Basic, kinds: new ScriptFactory());
        await pump.DisposeAsync();
        Assert.Empty(await pump.StopAsync(TimeSpan.Zero, CancellationToken.None));
        await pump.DisposeAsync();
    }

    [Fact]
    public async Task Stop_DrainsFinishingRuns_CancelsTheRest_RefusesNewInjections()
    {
        var script = new ScriptFactory()
            .On("a", async (c, ct) => { await Task.Delay(c.Text() == "slow" ? Timeout.Infinite : 50, ct); return HandlerResult.Forward(c.Payload, "out"); });
        var pump = await Pumps.StartAsync(Basic, kinds: script);
        var fast = await pump.InjectAsync(new Injection { PayloadXml = MsgXml("fast"), Target = "a" }, CancellationToken.None);
        var slow = await pump.InjectAsync(new Injection { PayloadXml = MsgXml("slow"), Target = "a" }, CancellationToken.None);
        // Drain long enough for the 50 ms run on a busy 2-core CI machine; the slow one never finishes.
        var unfinished = await pump.StopAsync(TimeSpan.FromMilliseconds(2000), CancellationToken.None);
        Assert.Equal([slow.RunId], unfinished);
        Assert.Equal("succeeded", (await fast.Completion).Status);
        Assert.Equal("cancelled", (await slow.Completion).Status);
        var ex = await Assert.ThrowsAsync<PumpException>(() => pump.InjectAsync(new Injection { PayloadXml = MsgXml("x"), Target = "a" }, CancellationToken.None));
        Assert.Equal("pump_stopped", ex.Code);
        await pump.DisposeAsync();
    }

    [Theory]
    [InlineData("<Msg><Text>x</Text></Msg>", "ghost", "unknown_target")]
    [InlineData("<Nope/>", "a", "payload_invalid")]
    [InlineData("not xml at all", "a", "payload_invalid")]
    [InlineData("<Other><N>1</N></Other>", "a", "payload_invalid")]
    [InlineData("<Other><N>1</N></Other>", null, "unknown_target")]
    public async Task Inject_BadInput_IsRefusedWithACode(string xml, string? to, string code)
    {
        await using var pump = await Pumps.StartAsync(Basic, kinds: new ScriptFactory());
        var ex = await Assert.ThrowsAsync<PumpException>(() => pump.InjectAsync(new Injection { PayloadXml = xml, Target = to }, CancellationToken.None));
        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public async Task Inject_Json_IsMappedThroughTheTargetsClass()
    {
        var script = new ScriptFactory().On("a", c => HandlerResult.Forward(c.Payload, "out"));
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var handle = await pump.InjectAsync(new Injection { PayloadJson = new() { ["text"] = "from json" }, Target = "a" }, CancellationToken.None);
        var run = await handle.Completion;
        Assert.Equal("from json", run.Outputs[0].Payload["Text"]!.GetValue<string>());
        var bad = await Assert.ThrowsAsync<PumpException>(() => pump.InjectAsync(new Injection { PayloadJson = new() { ["nope"] = 1 }, Target = "a" }, CancellationToken.None));
        Assert.Equal("payload_invalid", bad.Code);
    }

    [Fact]
    public async Task Inject_BeforeStart_IsRefused()
    {
        var flow = Pumps.Load(Basic, new ScriptFactory());
        await using var pump = new StreamPump(flow, new HandlerRegistry([new ScriptFactory()]), new LocalFlowServices(flow));
        Assert.Equal("pump_stopped", (await Assert.ThrowsAsync<PumpException>(() => pump.InjectAsync(new Injection { PayloadXml = MsgXml("x"), Target = "a" }, CancellationToken.None))).Code);
    }

    [Fact]
    public async Task Factory_CreatesWorkingPumps()
    {
        var factory = new StreamPumpFactory(new HandlerRegistry([new ScriptFactory().On("a", c => HandlerResult.Forward(c.Payload, "out"))]));
        var flow = Pumps.Load(Basic, new ScriptFactory());
        await using var pump = factory.Create(flow, new LocalFlowServices(flow));
        await pump.StartAsync(CancellationToken.None);
        var h = await pump.InjectAsync(new Injection { PayloadXml = MsgXml("x"), Target = "a" }, CancellationToken.None);
        Assert.Equal("succeeded", (await h.Completion).Status);
        Assert.Equal("unknown_handler", Assert.Throws<PumpException>(() => new StreamPumpFactory(new HandlerRegistry()).Create(flow, new LocalFlowServices(flow))).Code);
    }

    [Fact]
    public async Task Run_Cleanup_RemovesRunScopedThreads()
    {
        var script = new ScriptFactory().On("a", c => HandlerResult.Forward(c.Payload, "b")).On("b", c => HandlerResult.Forward(c.Payload, "out"));
        await using var pump = await Pumps.StartAsync(Basic, options: new PumpOptions { SendBoot = false }, kinds: script);
        var before = (await pump.Threads.Backend.RegistryListAllAsync(CancellationToken.None)).Count;
        for (var i = 0; i < 20; i++)
        {
            await pump.RunAsync(MsgXml("x"), "a");
        }
        Assert.Equal(before, (await pump.Threads.Backend.RegistryListAllAsync(CancellationToken.None)).Count);
        Assert.Equal(0, pump.Buffer.ThreadCount);
    }

    [Fact]
    public async Task ManyRuns_RespondingToTheInjector_LeakNoThreadState()
    {
        var script = new ScriptFactory().On("a", c => HandlerResult.Forward(c.Payload, "b")).On("b", c => HandlerResult.Respond(c.Payload))
            .On("out", c => HandlerResult.End);
        await using var pump = await Pumps.StartAsync(Basic, options: new PumpOptions { SendBoot = false, MaxThreads = 10 }, kinds: script);
        var before = (await pump.Threads.Backend.RegistryListAllAsync(CancellationToken.None)).Count;
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal("succeeded", (await pump.RunAsync(MsgXml("x"), "b")).Status);
            Assert.Equal("failed", (await pump.RunAsync(MsgXml("x"), "a")).Status); // a does not respond: no output
        }
        Assert.Equal(before, (await pump.Threads.Backend.RegistryListAllAsync(CancellationToken.None)).Count);
        Assert.Equal(0, pump.Threads.CachedCount - (before > 0 ? before : 0));
        Assert.True(pump.Buffer.OrderLength <= 2 * 10 + 64 + 1, pump.Buffer.OrderLength.ToString());
    }
}
