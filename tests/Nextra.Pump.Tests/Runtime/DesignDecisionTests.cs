using System.Xml.Linq;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Messages;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;
using static Nextra.Pump.Tests.Runtime.Flows;

namespace Nextra.Pump.Tests.Runtime;

/// <summary>One test per deliberate decision of DESIGN.md §3 and per quirk of xml-pipeline §9.36.</summary>
public class DesignDecisionTests
{
    private const string Broadcast = """
organism: {name: org}
payloads:
  Ev: {fields: {Id: string}}
  Job: {fields: {Id: string}}
listeners:
  - {name: pub, description: Publisher, payload_class: Job, handler: script}
  - {name: s1, description: Sub 1, payload_class: Ev, handler: output, broadcast: true}
  - {name: s2, description: Sub 2, payload_class: Ev, handler: output, broadcast: true}
  - {name: s3, description: Not subscribed, payload_class: Ev, handler: output}
  - {name: j1, description: Only Job listener, payload_class: Job, handler: script}
""";

    [Fact]
    public async Task Design3_Envelope_FromToThreadAlwaysSetByPump()
    {
        XElement? envelope = null;
        var script = new ScriptFactory().On("a", c =>
        {
            // A handler cannot address meta: it only returns payloads.
            envelope = Envelope.Build(c.Metadata.From, c.Metadata.OwnName, c.Metadata.ThreadId, c.Payload);
            return HandlerResult.Forward(c.Payload, "out");
        });
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        var parts = Envelope.Parse(envelope!, out _)!;
        Assert.Equal(("manual", "a", run.Steps[0].Thread), (parts.From, parts.To, parts.Thread));
        Assert.Equal("a", run.Steps[1].From);
    }

    [Fact]
    public async Task Design3_NoTo_RoutesByClassToEveryBroadcastListenerConcurrently()
    {
        var script = new ScriptFactory().On("pub", c => new HandlerResult([new Emission(new XElement("Ev", new XElement("Id", "1")), null, false)]));
        await using var pump = await Pumps.StartAsync(Broadcast, kinds: script);
        var run = await pump.RunAsync("<Job><Id>1</Id></Job>", "pub");
        Assert.Equal("succeeded", run.Status);
        Assert.Equal(["s1", "s2"], run.Outputs.Select(o => o.Listener).Order());
        Assert.Equal("s1,s2", run.Steps[0].To);
        // Each subscriber gets its own chain (pub.s1, pub.s2), hence its own thread.
        Assert.NotEqual(run.Steps.Single(s => s.Listener == "s1").Thread, run.Steps.Single(s => s.Listener == "s2").Thread);
    }

    [Fact]
    public async Task Design3_NoTo_SingleListenerOfClass_ElseAnError()
    {
        var script = new ScriptFactory().On("j1", c => HandlerResult.End);
        await using var pump = await Pumps.StartAsync(Broadcast.Replace("broadcast: true", "broadcast: false"), kinds: script);
        var ex = await Assert.ThrowsAsync<PumpException>(() => pump.RunAsync("<Ev><Id>1</Id></Ev>"));
        Assert.Equal("unknown_target", ex.Code);
        Assert.Contains("none is broadcast", ex.Message);
        var single = Broadcast.Replace("  - {name: pub, description: Publisher, payload_class: Job, handler: script}\n", "");
        await using var pump2 = await Pumps.StartAsync(single, kinds: script);
        var run = await pump2.RunAsync("<Job><Id>1</Id></Job>");
        Assert.Equal("j1", run.Steps[0].Listener); // the single listener of the class
    }

    [Fact]
    public async Task Design3_InjectionWithoutTarget_UsesTheTriggerForItsClass()
    {
        var script = new ScriptFactory().On("b", c => HandlerResult.Forward(c.Payload, "out"));
        await using var pump = await Pumps.StartAsync(Basic + "\ntriggers:\n  - {name: w, type: webhook, target: b, payload: Msg}\n", kinds: script);
        var run = await pump.RunAsync(MsgXml("x"));
        Assert.Equal("b", run.Steps[0].Listener);
    }

    [Fact]
    public async Task Design3_PeerViolation_SystemErrorReachesTheAgent()
    {
        var script = new ScriptFactory().On("a", c => c.Payload.Name.LocalName == "Msg" ? HandlerResult.Forward(c.Payload, "b") : HandlerResult.End);
        var agentFlow = Basic.With("{name: a, description: Agent A, payload_class: Msg, handler: script}", "{name: a, description: Agent A, payload_class: Msg, handler: script, agent: true, peers: [out]}");
        await using var pump = await Pumps.StartAsync(agentFlow, kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        // The agent got the SystemError (second a step, from system) but did not recover: no output.
        Assert.Equal(["a", "b", "a"], run.Steps.Select(s => s.Listener));
        Assert.Equal(("system", "SystemError", "peer_violation"), (run.Steps[2].From, run.Steps[2].Class, run.Steps[1].Error!.Code));
        Assert.Equal(("failed", "no_output"), (run.Status, run.Error!.Code));
    }

    [Fact]
    public async Task Design3_TimeoutOfANonAgent_IsNotDeliveredAndFailsTheRun()
    {
        var calls = 0;
        var script = new ScriptFactory().On("b", async (c, ct) => { Interlocked.Increment(ref calls); await Task.Delay(Timeout.Infinite, ct); return HandlerResult.End; });
        await using var pump = await Pumps.StartAsync(Basic.With("handler: script}\n  - {name: out", "handler: script, timeout_seconds: 0.1}\n  - {name: out"), kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "b");
        Assert.Equal(("failed", "timeout"), (run.Status, run.Error!.Code));
        Assert.Equal(1, calls); // a tool cannot make sense of a SystemError: it is recorded, not delivered
    }

    [Fact]
    public void Design3_LlmOutputParsedLeniently_EveryPayloadExtracted()
    {
        var (payloads, _, text) = XmlRepair.ExtractPayloads("I'll ask both.\n<Search><Query>a</Query></Search>\n<Search><Query>b & c</Query></Search>\nThen wait.");
        Assert.Equal(2, payloads.Count);
        Assert.Equal("b & c", payloads[1].Element("Query")!.Value);
        Assert.Equal("I'll ask both. Then wait.", text);
    }

    [Fact]
    public async Task Design3_ErrorsAreNeverSilent_EveryDropIsACodedStep()
    {
        var script = new ScriptFactory().On("a", c => new HandlerResult([
            Emission.Forward(new XElement("Nope"), "out"),
            Emission.Forward(Msg("x"), "ghost"),
            Emission.Forward(new XElement("Msg"), "out"),
            Emission.Forward(new XElement(XName.Get("Msg", "urn:x"), new XElement("Text", "t")), "out"),
            Emission.Forward(Msg("ok"), "out"),
        ]));
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var run = await pump.RunAsync(MsgXml("x"), "a");
        Assert.Equal("payload_invalid,no_route,payload_invalid,payload_invalid", Pumps.Codes(run));
        Assert.Equal("failed", run.Status); // an unhandled error fails the run even though one output arrived
        Assert.Single(run.Outputs);
    }

    [Fact]
    public void Quirk36_MaxTokensPerThread_IsTopLevelAndRejectedUnderOrganism()
    {
        var bad = FlowLoader.Load(Basic.With("organism: {name: org}", "organism: {name: org, max_tokens_per_thread: 5}"), new HandlerRegistry([new ScriptFactory()]));
        Assert.Contains(bad.Problems, p => p.Code == "unknown_key" && p.Message.Contains("max_tokens_per_thread"));
    }

    [Fact]
    public async Task Reload_FactoryThatThrows_ReportsAndKeepsTheOldDefinition()
    {
        var throwing = new ThrowingFactory();
        await using var pump = await Pumps.StartAsync(Basic, kinds: [new ScriptFactory().On("a", c => HandlerResult.Forward(c.Payload, "out")), throwing]);
        var report = pump.ReloadYaml(Basic.Replace("{name: b, description: Worker B, payload_class: Msg, handler: script}", "{name: b, description: Worker B, payload_class: Msg, handler: throws}"));
        Assert.False(report.Ok);
        Assert.Equal("handler_create_failed", Assert.Single(report.Problems).Code);
        Assert.Equal("succeeded", (await pump.RunAsync(MsgXml("x"), "a")).Status);
    }

    private sealed class ThrowingFactory : IHandlerFactory
    {
        public string Kind => "throws";
        public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context) => [];
        public IHandler Create(HandlerCreateContext context) => throw new InvalidOperationException("cannot build");
    }
}
