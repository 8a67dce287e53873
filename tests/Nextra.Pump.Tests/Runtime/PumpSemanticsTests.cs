using System.Collections.Concurrent;
using System.Xml.Linq;
using Nextra.Pump.Handlers;
using Nextra.Pump.Messages;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;
using static Nextra.Pump.Tests.Runtime.Flows;

namespace Nextra.Pump.Tests.Runtime;

/// <summary>One test per applicable item of xml-pipeline's §9 checklist (reference/xml-pipeline.md), named after it.</summary>
public class PumpSemanticsTests
{
    private const string Ns = Envelope.NamespaceUri;

    [Fact]
    public async Task S9_01_Envelope_ValidIsUnwrapped_WrongNamespaceIsRejected()
    {
        var seen = new ConcurrentQueue<string>();
        var script = new ScriptFactory().On("a", c => { seen.Enqueue(c.Metadata.From); return HandlerResult.Forward(c.Payload, "out"); });
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var thread = Guid.NewGuid().ToString("D");
        var run = await pump.RunAsync($"<message xmlns='{Ns}'><meta><from>client</from><to>a</to><thread>{thread}</thread></meta><Msg xmlns=''><Text>x</Text></Msg></message>");
        Assert.Equal("succeeded", run.Status);
        Assert.Equal(thread, run.Steps[0].Thread);
        Assert.Equal(["client"], seen);
        var ex = await Assert.ThrowsAsync<PumpException>(() => pump.RunAsync("<message xmlns='urn:wrong'><meta/><Msg><Text>x</Text></Msg></message>", "a"));
        Assert.Equal("payload_invalid", ex.Code);
        var two = await Assert.ThrowsAsync<PumpException>(() => pump.RunAsync($"<message xmlns='{Ns}'><meta><from>c</from><thread>{thread}</thread></meta><Msg xmlns=''><Text>x</Text></Msg><Msg xmlns=''><Text>y</Text></Msg></message>", "a"));
        Assert.Contains("2 payloads", two.Message);
    }

    [Fact]
    public async Task S9_02_PayloadXml_MissingChildFailsValidation()
    {
        var script = new ScriptFactory().On("a", c => HandlerResult.Forward(new XElement("Msg"), "out"));
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var ex = await Assert.ThrowsAsync<PumpException>(() => pump.RunAsync("<Msg/>", "a"));
        Assert.Equal("payload_invalid", ex.Code);
        Assert.Contains("missing <Text>", ex.Message);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        Assert.Equal("failed", run.Status);
        Assert.Equal("payload_invalid", run.Error!.Code);
    }

    [Fact]
    public async Task S9_03_RoutingKey_NoListener_IsANoRouteStep()
    {
        var script = new ScriptFactory().On("a", c => HandlerResult.Forward(c.Payload, "ghost"));
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        Assert.Equal("failed", run.Status);
        var step = run.Steps.Single(s => s.Error?.Code == "no_route");
        Assert.StartsWith("No listener for: ghost.msg", step.Error!.Message);
    }

    [Fact]
    public async Task S9_04_Listener_ReceivesOnlyItsClassAddressedToIt()
    {
        var bCalls = 0;
        var script = new ScriptFactory()
            .On("a", c => HandlerResult.Forward(new XElement("Other", new XElement("N", 1)), "b"))
            .On("b", c => { Interlocked.Increment(ref bCalls); return HandlerResult.End; });
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        Assert.Equal(0, bCalls);
        Assert.Contains("No listener for: b.other", run.Steps.Single(s => s.Error is not null).Error!.Message);
    }

    [Fact]
    public async Task S9_05_ThreadIds_NonCanonicalIsReplacedWithANote()
    {
        var script = new ScriptFactory().On("a", c => HandlerResult.Forward(c.Payload, "out"));
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var run = await pump.RunAsync($"<message xmlns='{Ns}'><meta><from>c</from><to>a</to><thread>NOT-A-UUID</thread></meta><Msg xmlns=''><Text>x</Text></Msg></message>");
        Assert.Equal("succeeded", run.Status);
        var note = run.Steps[0];
        Assert.Equal("thread_replaced", note.Error!.Code);
        Assert.True(Envelope.IsCanonicalThreadId(run.Steps[1].Thread));
    }

    [Fact]
    public async Task S9_06_PipelineOrder_RepairThenValidate_ErrorStopsLaterSteps()
    {
        var calls = 0;
        var script = new ScriptFactory().On("a", c => { Interlocked.Increment(ref calls); return HandlerResult.Forward(c.Payload, "out"); });
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var run = await pump.RunAsync("<Msg><Text>fish & chips</Text>", "a");
        Assert.Equal("succeeded", run.Status);
        Assert.Equal("xml_repaired", run.Steps[0].Error!.Code);
        Assert.Equal("fish & chips", run.Outputs[0].Payload["Text"]!.GetValue<string>());
        await Assert.ThrowsAsync<PumpException>(() => pump.RunAsync("<Msg><Txt>x</Txt></Msg>", "a"));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task S9_07_FromToThread_AreSetByThePump()
    {
        var seen = new ConcurrentQueue<HandlerMetadata>();
        var script = new ScriptFactory()
            .On("a", c => HandlerResult.Forward(c.Payload, "b"))
            .On("b", c => { seen.Enqueue(c.Metadata); return HandlerResult.Forward(c.Payload, "out"); });
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        var meta = Assert.Single(seen);
        Assert.Equal(("a", "b", false), (meta.From, meta.OwnName, meta.IsSelfCall));
        Assert.Equal(run.Steps.Single(s => s.Listener == "b").Thread, meta.ThreadId);
        Assert.Equal("a", run.Steps.Single(s => s.Listener == "b").From);
        Assert.Equal("b", run.Steps.Single(s => s.Listener == "a").To);
    }

    [Fact]
    public async Task S9_08_ReturningNothing_EndsChainAndDropsBudgetKeepsRegistry()
    {
        var bThread = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var checkedWhileRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new ScriptFactory()
            .On("a", c => new HandlerResult([Emission.Forward(Msg("1"), "b"), Emission.Forward(Msg("2"), "out")]))
            .On("b", c =>
            {
                c.Services.Budget.Consume(c.Metadata.ThreadId, 700);
                bThread.SetResult(c.Metadata.ThreadId);
                return HandlerResult.End;
            })
            .On("out", async (c, ct) => { await checkedWhileRunning.Task.WaitAsync(ct); return HandlerResult.End; });
        await using var pump = await Pumps.StartAsync(Basic.With("handler: output", "handler: script") + "\nmax_tokens_per_thread: 1000\n", kinds: script);
        var handle = await pump.InjectAsync(new Injection { PayloadXml = MsgXml("x"), Target = "a" }, CancellationToken.None);
        var thread = await bThread.Task;
        await WaitUntil(() => ((Nextra.Pump.Memory.TokenBudgetRegistry)GetServices(pump).Budget).Used(thread) == 0);
        Assert.NotNull(await pump.Threads.LookupAsync(thread, CancellationToken.None)); // registry entry remains
        Assert.Single(await pump.Buffer.HistoryAsync(thread, CancellationToken.None)); // buffer remains
        Assert.Equal(1000, GetServices(pump).Budget.Remaining(thread)); // budget entry dropped (fresh again)
        checkedWhileRunning.SetResult();
        await handle.Completion;
    }

    private static IFlowServices GetServices(StreamPump pump) => pump.Services;

    [Fact]
    public async Task S9_09_Forward_ExtendsChain_SameChainSameUuid()
    {
        var chains = new ConcurrentQueue<string>();
        StreamPump? p = null;
        var script = new ScriptFactory()
            .On("a", c => new HandlerResult([Emission.Forward(Msg("1"), "b"), Emission.Forward(Msg("2"), "b")]))
            .On("b", async (c, ct) =>
            {
                chains.Enqueue((await p!.Threads.LookupAsync(c.Metadata.ThreadId, ct))!.Value.Chain);
                return HandlerResult.Forward(c.Payload, "out");
            });
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        p = pump;
        var run = await pump.RunAsync(MsgXml("x"), "a");
        Assert.Equal("succeeded", run.Status);
        var bSteps = run.Steps.Where(s => s.Listener == "b").ToList();
        Assert.Equal(2, bSteps.Count);
        Assert.Equal(bSteps[0].Thread, bSteps[1].Thread);
        Assert.NotEqual(run.Steps.Single(s => s.Listener == "a").Thread, bSteps[0].Thread);
        Assert.Equal(["system.org.a.b", "system.org.a.b"], chains);
    }

    [Fact]
    public async Task S9_10_Respond_PrunesToCallerAndAtRootDeliversToInjector()
    {
        var aCalls = new ConcurrentQueue<(string From, string Thread, string Text)>();
        var script = new ScriptFactory()
            .On("a", c =>
            {
                aCalls.Enqueue((c.Metadata.From, c.Metadata.ThreadId, c.Text()));
                return c.Metadata.From == "b" ? HandlerResult.Respond(Msg("final")) : HandlerResult.Forward(c.Payload, "b");
            })
            .On("b", c => HandlerResult.Respond(Msg("answer")));
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var run = await pump.RunAsync(MsgXml("q"), "a");
        Assert.Equal("succeeded", run.Status);
        var calls = aCalls.ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(calls[0].Thread, calls[1].Thread); // back on the caller's own thread
        Assert.Equal(("b", "answer"), (calls[1].From, calls[1].Text));
        var output = Assert.Single(run.Outputs);
        Assert.Equal(("a", "final"), (output.Listener, output.Payload["Text"]!.GetValue<string>()));
        Assert.Equal("(injector)", run.Steps.Last(s => s.Listener == "a").To);
    }

    [Fact]
    public async Task S9_10_Respond_OnASingleSegmentChain_EndsAndSendsNothing()
    {
        var registry = new Nextra.Pump.Routing.ThreadRegistry(new Nextra.Pump.Memory.InMemorySharedBackend());
        var uuid = await registry.GetOrCreateAsync("s", "system", CancellationToken.None);
        Assert.Null(await registry.PruneForResponseAsync(uuid, CancellationToken.None));
        Assert.Null(await registry.PruneForResponseAsync(Guid.NewGuid().ToString(), CancellationToken.None));
        var deeper = await registry.GetOrCreateAsync("s", "system.org.a.b", CancellationToken.None);
        var pruned = await registry.PruneForResponseAsync(deeper, CancellationToken.None);
        Assert.Equal(("a", "system.org.a"), (pruned!.Value.Target, pruned.Value.Chain));
        Assert.Equal(await registry.GetOrCreateAsync("s", "system.org.a", CancellationToken.None), pruned.Value.Uuid);
    }

    [Fact]
    public async Task S9_11_Inject_ChainsForPlainPeerTableAndExternalThreads()
    {
        var chains = new ConcurrentQueue<string>();
        StreamPump? p = null;
        var script = new ScriptFactory().On("a", async (c, ct) =>
        {
            chains.Enqueue((await p!.Threads.LookupAsync(c.Metadata.ThreadId, ct))!.Value.Chain);
            return HandlerResult.Forward(c.Payload, "out");
        });
        var yaml = Basic + "\npeer_tables:\n  - {name: T, entries: []}\n";
        await using var pump = await Pumps.StartAsync(yaml, kinds: script);
        p = pump;
        await pump.RunAsync(MsgXml("x"), "a");
        var h = await pump.InjectAsync(new Injection { PayloadXml = MsgXml("y"), Target = "a", PeerTable = "T", Source = "cli" }, CancellationToken.None);
        await h.Completion;
        var ext = Guid.NewGuid().ToString("D");
        var run = await pump.RunAsync($"<message xmlns='{Ns}'><meta><from>partner</from><to>a</to><thread>{ext}</thread></meta><Msg xmlns=''><Text>z</Text></Msg></message>");
        Assert.Equal(["system.org.a", "T.org.cli.a", "system.org.partner.a"], chains);
        Assert.Equal(ext, run.Steps[0].Thread);
    }

    private const string AgentFlow = """
organism: {name: org}
payloads:
  Msg: {fields: {Text: string}}
listeners:
  - {name: a, description: Agent A, payload_class: Msg, handler: script, agent: true, peers: [out, a]}
  - {name: b, description: Worker B, payload_class: Msg, handler: script}
  - {name: out, description: Final output, payload_class: Msg, handler: output}
""";

    [Fact]
    public async Task S9_12_PeerViolation_IsBlockedAndAnsweredWithRoutingSystemError()
    {
        var aSaw = new ConcurrentQueue<(string Class, string From, string Thread, string? Code)>();
        var bCalls = 0;
        var script = new ScriptFactory()
            .On("a", c =>
            {
                aSaw.Enqueue((c.Payload.Name.LocalName, c.Metadata.From, c.Metadata.ThreadId, c.Payload.Element("Code")?.Value));
                return c.Payload.Name.LocalName == "SystemError" ? HandlerResult.Forward(Msg("recovered"), "out") : HandlerResult.Forward(c.Payload, "b");
            })
            .On("b", c => { Interlocked.Increment(ref bCalls); return HandlerResult.End; });
        await using var pump = await Pumps.StartAsync(AgentFlow, kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        Assert.Equal(0, bCalls);
        var saw = aSaw.ToList();
        Assert.Equal(2, saw.Count);
        Assert.Equal(("SystemError", "system", saw[0].Thread, "routing"), (saw[1].Class, saw[1].From, saw[1].Thread, saw[1].Code));
        Assert.Equal("peer_violation", run.Steps.Single(s => s.Error is not null).Error!.Code);
        Assert.Equal("succeeded", run.Status); // the agent got the SystemError and recovered
    }

    [Fact]
    public async Task S9_12_NonAgentsAndAgentsWithoutPeers_AreUnrestricted()
    {
        var script = new ScriptFactory().On("a", c => HandlerResult.Forward(c.Payload, "b")).On("b", c => HandlerResult.Forward(c.Payload, "out"));
        await using var pump = await Pumps.StartAsync(AgentFlow.With("peers: [out, a]", "peers: []"), kinds: script);
        Assert.Equal("succeeded", (await pump.RunAsync(MsgXml("x"), "a")).Status);
    }

    [Fact]
    public async Task S9_13_EffectivePeers_ComeFromThePeerTable_ChangesApplyNextDispatch()
    {
        var script = new ScriptFactory().On("a", c => c.Metadata.IsSelfCall ? HandlerResult.Forward(c.Payload, "out") : HandlerResult.Forward(c.Payload, "a"));
        var yaml = AgentFlow + "\npeer_tables:\n  - {name: T, entries: [{listener: a, peers: [a, out]}]}\n";
        await using var pump = await Pumps.StartAsync(yaml, kinds: script);
        async Task<Nextra.Pump.Runs.RunRecord> Run()
        {
            var h = await pump.InjectAsync(new Injection { PayloadXml = MsgXml("x"), Target = "a", PeerTable = "T" }, CancellationToken.None);
            return await h.Completion;
        }
        Assert.Equal("succeeded", (await Run()).Status);
        pump.PeerTables.Revoke("T", "a", "out");
        var revoked = await Run();
        Assert.Contains(revoked.Steps, s => s.Error?.Code == "peer_violation" && s.Listener == "out");
        pump.PeerTables.Grant("T", "a", "out");
        Assert.Equal("succeeded", (await Run()).Status);
    }

    [Fact]
    public void S9_14_PeerTables_CeilingsGrantsRevokesAndRegistrationErrors()
    {
        var yaml = new Dictionary<string, IReadOnlyList<string>> { ["concierge"] = ["calculator", "search"] };
        var tables = new Nextra.Pump.Routing.PeerTableRegistry(n => yaml.GetValueOrDefault(n));
        tables.RegisterAll([
            new() { Name = "viewer", Parent = "admin", Peers = new Dictionary<string, IReadOnlyList<string>> { ["concierge"] = ["calculator"] } },
            new() { Name = "admin", Peers = new Dictionary<string, IReadOnlyList<string>> { ["concierge"] = ["calculator", "search"] } },
        ]); // parents first, whatever the order
        Assert.Equal(["calculator"], tables.PeersOf("viewer", "concierge"));
        Assert.Equal("peer_table_ceiling", Assert.Throws<PumpException>(() => tables.Grant("viewer", "concierge", "shell")).Code);
        tables.Grant("viewer", "concierge", "search"); // within admin's entry
        tables.Revoke("admin", "concierge", "search");
        tables.Revoke("admin", "concierge", "never-there"); // revokes always succeed
        Assert.Equal("peer_table_ceiling", Assert.Throws<PumpException>(() => tables.Grant("admin", "concierge", "shell")).Code);
        Assert.Equal([], tables.PeersOf("admin", "unknown-listener"));
        Assert.Equal("duplicate_peer_table", Assert.Throws<PumpException>(() => tables.Register("admin", null, new Dictionary<string, IReadOnlyList<string>>())).Code);
        Assert.Equal("unknown_parent", Assert.Throws<PumpException>(() => tables.Register("x", "nope", new Dictionary<string, IReadOnlyList<string>>())).Code);
        Assert.Equal("peer_table_ceiling", Assert.Throws<PumpException>(() => tables.Register("y", null, new Dictionary<string, IReadOnlyList<string>> { ["ghost"] = ["a"] })).Code);
        var cyclic = new Nextra.Pump.Routing.PeerTableRegistry(_ => null);
        Assert.Equal("peer_table_cycle", Assert.Throws<PumpException>(() => cyclic.RegisterAll([
            new() { Name = "p", Parent = "q", Peers = new Dictionary<string, IReadOnlyList<string>>() },
            new() { Name = "q", Parent = "p", Peers = new Dictionary<string, IReadOnlyList<string>>() }])).Code);
        Assert.Equal("peer_table_cycle", Assert.Throws<PumpException>(() => cyclic.RegisterAll([
            new() { Name = "self", Parent = "self", Peers = new Dictionary<string, IReadOnlyList<string>>() }])).Code);
    }

    [Fact]
    public async Task S9_15_HandlerTimeout_SystemErrorToSameListenerSameThread_GateReleased()
    {
        var saw = new ConcurrentQueue<(string Class, string Thread)>();
        var script = new ScriptFactory().On("a", async (c, ct) =>
        {
            saw.Enqueue((c.Payload.Name.LocalName, c.Metadata.ThreadId));
            if (c.Payload.Name.LocalName == "SystemError")
            {
                return HandlerResult.Forward(Msg("late"), "out");
            }
            await Task.Delay(Timeout.Infinite, ct);
            return HandlerResult.End;
        });
        var observer = new RecordingObserver();
        var yaml = AgentFlow.With("peers: [out, a]}", "peers: [out, a], timeout_seconds: 0.2}") + "\nmax_concurrent_per_agent: 1\n";
        await using var pump = await Pumps.StartAsync(yaml, observer, kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        Assert.Equal("succeeded", run.Status);
        Assert.Equal("timeout", run.Steps[0].Error!.Code);
        var list = saw.ToList();
        Assert.Equal(("SystemError", list[0].Thread), list[1]);
        Assert.Contains(observer.States, s => s.Listener == "a" && s.State == "error");
        // The agent gate (cap 1) was released: a second run gets through too.
        Assert.Equal("succeeded", (await pump.RunAsync(MsgXml("y"), "a")).Status);
    }

    [Fact]
    public async Task S9_16_HandlerExceptionsAndInvalidResults_AreStepsAndThePumpContinues()
    {
        var mode = "throw";
        var script = new ScriptFactory().On("a", c => mode switch
        {
            "throw" => throw new InvalidOperationException("boom"),
            "coded" => throw new HandlerException("egress_blocked", "no"),
            "null" => null!,
            _ => HandlerResult.Forward(c.Payload, "out"),
        });
        var observer = new RecordingObserver();
        await using var pump = await Pumps.StartAsync(Basic, observer, kinds: script);
        var crashed = await pump.RunAsync(MsgXml("x"), "a");
        Assert.Equal(("failed", "handler_crashed"), (crashed.Status, crashed.Error!.Code));
        Assert.Contains("boom", crashed.Error.Message);
        mode = "coded";
        Assert.Equal("egress_blocked", (await pump.RunAsync(MsgXml("x"), "a")).Error!.Code);
        mode = "null";
        Assert.Equal("invalid_result", (await pump.RunAsync(MsgXml("x"), "a")).Error!.Code);
        mode = "ok";
        Assert.Equal("succeeded", (await pump.RunAsync(MsgXml("x"), "a")).Status);
        Assert.Contains(observer.States, s => s.State == "error");
    }

    [Fact]
    public async Task S9_17_DepthLimit_DropsDeeperMessagesAsASteps()
    {
        var script = new ScriptFactory().On("a", c => HandlerResult.Forward(c.Payload, "a"));
        await using var pump = await Pumps.StartAsync(Basic + "\nmax_message_depth: 5\n", kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        Assert.Equal(("failed", "depth_exceeded"), (run.Status, run.Error!.Code));
        Assert.Equal(6, run.Steps.Count(s => s.Listener == "a" && s.Error is null)); // depths 0..5 dispatched
        Assert.Single(run.Steps, s => s.Error?.Code == "depth_exceeded");
    }

    [Theory]
    [InlineData(2, false, 2)]
    [InlineData(20, true, 1)]
    public async Task S9_18_ConcurrencyCaps_GlobalAndPerAgent(int global, bool agent, int expectedMax)
    {
        var current = 0;
        var max = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new ScriptFactory().On("a", async (c, ct) =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref max, now);
            await release.Task.WaitAsync(ct);
            Interlocked.Decrement(ref current);
            return HandlerResult.Forward(c.Payload, "out");
        });
        var yaml = Basic.With("handler: script}", agent ? "handler: script, agent: true}" : "handler: script}") +
            $"\nmax_concurrent_handlers: {global}\nmax_concurrent_per_agent: 1\n";
        await using var pump = await Pumps.StartAsync(yaml, kinds: script);
        var runs = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => pump.InjectAsync(new Injection { PayloadXml = MsgXml($"{i}"), Target = "a" }, CancellationToken.None)));
        await Task.Delay(300);
        Assert.Equal(expectedMax, Volatile.Read(ref max));
        release.SetResult();
        foreach (var r in runs)
        {
            Assert.Equal("succeeded", (await r.Completion).Status);
        }
        Assert.Equal(expectedMax, max);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Fact]
    public async Task S9_18_BoundedQueue_InjectWaitsThenRefusesWhenCancelled()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new ScriptFactory().On("a", async (c, ct) => { await release.Task.WaitAsync(ct); return HandlerResult.Forward(c.Payload, "out"); });
        var yaml = Basic + "\nmax_concurrent_handlers: 1\nqueue_capacity: 2\n";
        await using var pump = await Pumps.StartAsync(yaml, options: new PumpOptions { SendBoot = false }, kinds: script);
        var first = await pump.InjectAsync(new Injection { PayloadXml = MsgXml("1"), Target = "a" }, CancellationToken.None);
        await WaitUntil(() => pump.QueueDepth == 0); // the only worker now holds it
        var queued = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => pump.InjectAsync(new Injection { PayloadXml = MsgXml("q"), Target = "a" }, CancellationToken.None)));
        Assert.Equal(2, pump.QueueDepth);
        var waiting = pump.InjectAsync(new Injection { PayloadXml = MsgXml("w"), Target = "a" }, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted); // backpressure: waits, never drops
        using var cts = new CancellationTokenSource(100);
        var refused = await Assert.ThrowsAsync<PumpException>(() => pump.InjectAsync(new Injection { PayloadXml = MsgXml("r"), Target = "a" }, cts.Token));
        Assert.Equal("queue_full", refused.Code);
        release.SetResult();
        var last = await waiting;
        foreach (var h in queued.Append(first).Append(last))
        {
            Assert.Equal("succeeded", (await h.Completion.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        }
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }

    [Fact]
    public async Task S9_19_Start_RegistersBootAndRootThreadOnce()
    {
        var observer = new RecordingObserver();
        await using var pump = await Pumps.StartAsync(Basic, observer, kinds: new ScriptFactory());
        await pump.StartAsync(CancellationToken.None); // idempotent
        await WaitUntil(() => observer.States.Any(s => s.Listener == StreamPump.BootListener && s.State == "idle"));
        await Task.Delay(50);
        Assert.Single(observer.States, s => s.Listener == StreamPump.BootListener && s.State == "processing");
        Assert.Equal("system.org", (await pump.Threads.LookupAsync(pump.RootThreadId!, CancellationToken.None))!.Value.Chain);
        Assert.Equal(observer.States.First(s => s.Listener == StreamPump.BootListener).Thread, pump.RootThreadId);
    }

    [Fact]
    public async Task S9_20_EventOrder_PerHop_AndThrowingObserversAreHarmless()
    {
        var observer = new RecordingObserver();
        var script = new ScriptFactory().On("a", c => HandlerResult.Forward(c.Payload, "out"));
        await using var pump = await Pumps.StartAsync(Basic, observer, new PumpOptions { SendBoot = false }, script);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        await Task.Delay(20);
        Assert.Equal([
            $"run-started {run.RunId}",
            "a:processing", "a:received", "step-started a", "a:sent", "a:idle", "step-completed a",
            "out:processing", "out:received", "step-started out", "out:idle", "step-completed out",
            "run-completed succeeded",
        ], observer.Events);

        var throwing = new RecordingObserver { Throw = true };
        await using var pump2 = await Pumps.StartAsync(Basic, throwing, kinds: script);
        Assert.Equal("succeeded", (await pump2.RunAsync(MsgXml("x"), "a")).Status);
    }

    [Fact]
    public async Task S9_21_ContextBuffer_AppendsEachDispatchWithConsecutiveIndices()
    {
        var histories = new ConcurrentQueue<IReadOnlyList<ContextSlot>>();
        var script = new ScriptFactory()
            .On("a", c => new HandlerResult([Emission.Forward(Msg("1"), "b"), Emission.Forward(Msg("2"), "b")]))
            .On("b", c => { histories.Enqueue(c.History.ToList()); return HandlerResult.Forward(c.Payload, "out"); });
        await using var pump = await Pumps.StartAsync(Basic + "\nmax_concurrent_handlers: 1\n", kinds: script);
        await pump.RunAsync(MsgXml("x"), "a");
        var last = histories.OrderBy(h => h.Count).Last();
        Assert.Equal([0, 1], last.Select(s => s.Index));
        Assert.Equal(["<Msg><Text>1</Text></Msg>", "<Msg><Text>2</Text></Msg>"], last.Select(s => s.PayloadXml));
        Assert.All(last, s => Assert.Equal(("a", "b", "Msg"), (s.From, s.To, s.PayloadClass)));
    }
}
