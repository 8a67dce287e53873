using System.Collections.Concurrent;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;

namespace Nextra.Pump.Tests.Runtime;

/// <summary>
/// A run under way goes before runs not started yet, and the first-step hook fires once per run as its first step
/// begins (issue 19, defect 3: a backlog in a one-at-a-time flow must not have every run half done at a crash).
/// </summary>
public class RunOrderTests
{
    private const string OneAtATime = """
        organism: {name: one-at-a-time}
        max_concurrent_handlers: 1
        payloads:
          Msg: {fields: {Text: string}}
        listeners:
          - {name: first, description: step one, payload_class: Msg, handler: script, peers: [second]}
          - {name: second, description: step two, payload_class: Msg, handler: script, peers: [done]}
          - {name: done, description: the end, payload_class: Msg, handler: output}
        """;

    [Fact]
    public async Task Backlog_OneAtATime_EachRunFinishesBeforeTheNextStarts()
    {
        var order = new ConcurrentQueue<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new ScriptFactory()
            .On("first", async (c, _) =>
            {
                await gate.Task;
                order.Enqueue("first " + c.Payload.Element("Text")!.Value);
                return HandlerResult.Forward(c.Payload, "second");
            })
            .On("second", c =>
            {
                order.Enqueue("second " + c.Payload.Element("Text")!.Value);
                return HandlerResult.Forward(c.Payload, "done");
            });
        await using var pump = await Pumps.StartAsync(OneAtATime, options: new PumpOptions { SendBoot = false }, kinds: script);
        var started = new ConcurrentQueue<string>();
        var handles = new List<RunHandle>();
        for (var i = 0; i < 5; i++)
        {
            var n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            handles.Add(await pump.InjectAsync(new Injection
            {
                PayloadXml = $"<Msg><Text>{n}</Text></Msg>", Target = "first",
                FirstStepStarting = _ =>
                {
                    started.Enqueue(n);
                    return Task.CompletedTask;
                },
            }, CancellationToken.None));
        }
        gate.SetResult();
        foreach (var handle in handles) Assert.Equal("succeeded", (await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Status);

        // Before: first 0, first 1, … first 4, second 0, … (every run half done while the backlog lasts).
        Assert.Equal(Enumerable.Range(0, 5).SelectMany(i => (string[])[$"first {i}", $"second {i}"]), order);
        Assert.Equal(["0", "1", "2", "3", "4"], started);
    }

    [Fact]
    public async Task FirstStepStarting_AwaitedBeforeTheStepAndOncePerRun()
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var sawWritten = new ConcurrentQueue<bool>();
        var script = new ScriptFactory()
            .On("first", c =>
            {
                sawWritten.Enqueue(written.Task.IsCompleted);
                return HandlerResult.Forward(c.Payload, "second");
            })
            .On("second", c => HandlerResult.Forward(c.Payload, "done"));
        await using var pump = await Pumps.StartAsync(OneAtATime, options: new PumpOptions { SendBoot = false }, kinds: script);
        var handle = await pump.InjectAsync(new Injection
        {
            PayloadXml = "<Msg><Text>x</Text></Msg>", Target = "first",
            FirstStepStarting = async _ =>
            {
                Interlocked.Increment(ref calls);
                await Task.Delay(50);
                written.SetResult();
            },
        }, CancellationToken.None);
        Assert.Equal("succeeded", (await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Status);
        Assert.Equal(1, calls);
        Assert.Equal([true], sawWritten);
    }
}
