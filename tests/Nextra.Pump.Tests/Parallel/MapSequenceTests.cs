using System.Text.Json.Nodes;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;
using static Nextra.Pump.Tests.Parallel.ParallelFlows;

namespace Nextra.Pump.Tests.Parallel;

public class MapSequenceTests
{
    public const string MapYaml = """
        organism: {name: m}
        payloads:
          Order: {fields: {Id: string, Lines: {type: list, of: {fields: {Sku: string, Qty: int}}}}}
          Line: {fields: {Sku: string, Qty: int}}
          A: {fields: {Text: string}}
          R:
            fields:
              Items: {type: list, of: {fields: {Index: int, Success: bool, Error: string, Answer: {type: object, optional: true, fields: {Text: string}}}}}
        listeners:
          - {name: each, description: maps, payload_class: Order, handler: map, peers: [done], config: {to: work, item_class: Line, output: R, concurrency: 2}}
          - {name: work, description: per line, payload_class: Line, handler: script}
          - {name: done, description: result, payload_class: R, handler: output}
        """;

    private static string Order(params (string Sku, int Qty)[] lines) =>
        $"<Order><Id>o1</Id><Lines>{string.Concat(lines.Select(l => $"<Item><Sku>{l.Sku}</Sku><Qty>{l.Qty}</Qty></Item>"))}</Lines></Order>";

    [Fact]
    public async Task Map_ItemsRespond_ResultInItemOrder_ConcurrencyBounded()
    {
        var inFlight = 0;
        var peak = 0;
        var script = new ScriptFactory().On("work", async (c, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            var qty = int.Parse(c.Payload.Element("Qty")!.Value);
            await Task.Delay(qty, ct);
            Interlocked.Decrement(ref inFlight);
            return HandlerResult.Respond(Answer(c.Payload.Element("Sku")!.Value.ToUpperInvariant()));
        });
        await using var pump = await Pumps.StartAsync(MapYaml, options: new PumpOptions { SendBoot = false }, kinds: script);
        var run = await pump.RunAsync(Order(("a", 40), ("b", 1), ("c", 20), ("d", 1), ("e", 5)), "each");
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal(["A", "B", "C", "D", "E"], Items(run).Select(i => i.Text));
        Assert.True(peak <= 2, $"peak concurrency {peak}");
        // Each item ran on a thread of its own.
        Assert.Equal(5, run.Steps.Where(s => s.Listener == "work").Select(s => s.Thread).Distinct().Count());
    }

    [Fact]
    public async Task Map_FailingItem_IsSuccessFalse_EmptyListEmitsEmptyResult()
    {
        var script = new ScriptFactory().On("work", c => c.Payload.Element("Sku")!.Value == "bad"
            ? throw new HandlerException("bad_item", "no")
            : HandlerResult.Respond(Answer("ok")));
        await using var pump = await Pumps.StartAsync(MapYaml, options: new PumpOptions { SendBoot = false }, kinds: script);
        var run = await pump.RunAsync(Order(("a", 1), ("bad", 1), ("c", 1)), "each");
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal([(0, true, "", "ok"), (1, false, "bad_item", null), (2, true, "", "ok")], Items(run));
        var empty = await pump.RunAsync(Order(), "each");
        Assert.Equal("succeeded", empty.Status);
        Assert.Empty(Items(empty));
    }

    [Fact]
    public async Task Map_MoreItemsThanMaxItems_FailsTooManyItems()
    {
        var yaml = MapYaml.Replace("concurrency: 2", "concurrency: 2, max_items: 2");
        await using var pump = await Pumps.StartAsync(yaml, options: new PumpOptions { SendBoot = false }, kinds: new ScriptFactory());
        var run = await pump.RunAsync(Order(("a", 1), ("b", 1), ("c", 1)), "each");
        Assert.Equal("failed", run.Status);
        Assert.Equal("too_many_items", run.Error!.Code);
    }

    [Fact]
    public async Task Map_Timeout_UnansweredItemsAreTimeout()
    {
        var script = new ScriptFactory().On("work", async (c, ct) =>
        {
            if (c.Payload.Element("Sku")!.Value == "slow")
                await Task.Delay(Timeout.Infinite, ct);
            return HandlerResult.Respond(Answer("ok"));
        });
        var yaml = MapYaml.Replace("concurrency: 2", "concurrency: 1, timeout_ms: 300").Replace("handler: script}", "handler: script, timeout_seconds: 2}");
        await using var pump = await Pumps.StartAsync(yaml, options: new PumpOptions { SendBoot = false }, kinds: script);
        var run = await pump.RunAsync(Order(("a", 1), ("slow", 1), ("c", 1)), "each");
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal([(0, true, "", "ok"), (1, false, "timeout", null), (2, false, "timeout", null)], Items(run));
    }

    public const string SequenceYaml = """
        organism: {name: s}
        payloads:
          A: {fields: {Text: string}}
        listeners:
          - {name: seq, description: runs steps, payload_class: A, handler: sequence, peers: [done], config: {steps: [s1, s2, s3]}}
          - {name: s1, description: step, payload_class: A, handler: script}
          - {name: s2, description: step, payload_class: A, handler: script}
          - {name: s3, description: step, payload_class: A, handler: script}
          - {name: done, description: result, payload_class: A, handler: output}
        """;

    private static ScriptFactory Steps(Func<string, string, HandlerResult>? special = null)
    {
        var f = new ScriptFactory();
        foreach (var s in new[] { "s1", "s2", "s3" })
            { var step = s; f.On(step, c => special?.Invoke(step, TextOf(c)) ?? HandlerResult.Respond(Answer(TextOf(c) + "+" + step))); }
        return f;
    }

    [Fact]
    public async Task Sequence_EachStepGetsThePreviousAnswer()
    {
        await using var pump = await Pumps.StartAsync(SequenceYaml, options: new PumpOptions { SendBoot = false }, kinds: Steps());
        var run = await pump.RunAsync("<A><Text>x</Text></A>", "seq");
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal("x+s1+s2+s3", run.Outputs.Single().Payload["Text"]!.GetValue<string>());
        Assert.Equal(["s1", "s2", "s3"], run.Steps.Where(s => s.Listener.StartsWith('s') && s.Listener != "seq").Select(s => s.Listener));
    }

    [Fact]
    public async Task Sequence_FailingStep_FailFastStopsWithSequenceFailed()
    {
        var script = Steps((s, t) => s == "s2" ? throw new HandlerException("nope", "s2 broke") : null!);
        await using var pump = await Pumps.StartAsync(SequenceYaml, options: new PumpOptions { SendBoot = false }, kinds: script);
        var run = await pump.RunAsync("<A><Text>x</Text></A>", "seq");
        Assert.Equal("failed", run.Status);
        Assert.Equal("sequence_failed", run.Error!.Code);
        Assert.Contains("step 2 of 3", run.Error.Message);
        Assert.DoesNotContain(run.Steps, s => s.Listener == "s3");
    }

    [Fact]
    public async Task Sequence_FailingStep_ContinueGivesNextStepTheLastGoodAnswer()
    {
        var script = Steps((s, t) => s == "s2" ? throw new HandlerException("nope", "s2 broke") : null!);
        await using var pump = await Pumps.StartAsync(SequenceYaml.Replace("steps: [s1, s2, s3]", "steps: [s1, s2, s3], on_error: continue"),
            options: new PumpOptions { SendBoot = false }, kinds: script);
        var run = await pump.RunAsync("<A><Text>x</Text></A>", "seq");
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal("x+s1+s3", run.Outputs.Single().Payload["Text"]!.GetValue<string>());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
