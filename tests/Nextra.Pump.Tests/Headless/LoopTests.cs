using System.Xml.Linq;
using Nextra.Pump.Handlers;
using Nextra.Pump.Tests.Support;

namespace Nextra.Pump.Tests.Headless;

/// <summary>A loop is a listener in its own peers: it sends to itself until it is done.</summary>
public class LoopTests
{
    private const string Countdown = """
organism: {name: loops}
payloads:
  Count: {fields: {N: int}}
listeners:
  - {name: counter, description: Counts down, payload_class: Count, handler: countdown, agent: true, peers: [counter, done]}
  - {name: done, description: Reached zero, payload_class: Count, handler: output}
""";

    [Fact]
    public async Task Loop_SelfForward_IteratesWithSelfCallFlagUntilItExits()
    {
        var selfCalls = new List<bool>();
        var script = new ScriptFactory("countdown").On("counter", c =>
        {
            lock (selfCalls)
            {
                selfCalls.Add(c.Metadata.IsSelfCall);
            }
            var n = (int)c.Payload.Element("N")!;
            return n == 0
                ? HandlerResult.Forward(c.Payload, "done")
                : HandlerResult.Forward(new XElement("Count", new XElement("N", n - 1)), "counter");
        });
        await using var pump = await Pumps.StartAsync(Countdown, kinds: script);
        var run = await pump.RunAsync("<Count><N>4</N></Count>", "counter");
        Assert.Equal("succeeded", run.Status);
        Assert.Equal([false, true, true, true, true], selfCalls);
        Assert.Equal(5, run.Steps.Select(s => s.Thread).Where((_, i) => run.Steps[i].Listener == "counter").Distinct().Count()); // chain grows each lap
        Assert.Equal(0, run.Outputs[0].Payload["N"]!.GetValue<long>());
    }

    [Fact]
    public async Task Loop_WithoutExit_IsStoppedByTheDepthLimit()
    {
        var script = new ScriptFactory("countdown").On("counter", c => HandlerResult.Forward(c.Payload, "counter"));
        await using var pump = await Pumps.StartAsync(Countdown + "\nmax_message_depth: 10\n", kinds: script);
        var run = await pump.RunAsync("<Count><N>1</N></Count>", "counter");
        Assert.Equal(("failed", "depth_exceeded"), (run.Status, run.Error!.Code));
    }
}
