using CsCheck;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;
using static Nextra.Pump.Tests.Parallel.ParallelFlows;

namespace Nextra.Pump.Tests.Parallel;

/// <summary>Generated fan-out widths, branch delays and outcomes: a join emits exactly once, every branch accounted for in order.</summary>
public class ParallelProperties
{
    public enum Outcome { Forward, Respond, Fail, End, Hang }

    private static readonly Gen<(int Delay, Outcome Outcome)> Branch =
        Gen.Select(Gen.Int[0, 15], Gen.Frequency((6, Gen.Const(Outcome.Forward)), (3, Gen.Const(Outcome.Respond)), (2, Gen.Const(Outcome.Fail)),
            (1, Gen.Const(Outcome.End)), (1, Gen.Const(Outcome.Hang))));

    [Fact]
    public Task Join_RandomWidthsDelaysAndFailures_EmitsOnceWithEveryBranchInOrder() =>
        Branch.Array[1, 8].SampleAsync(async branches =>
        {
            var hangs = branches.Any(b => b.Outcome == Outcome.Hang);
            var width = branches.Length;
            var script = new ScriptFactory();
            for (var i = 0; i < width; i++)
            {
                var (delay, outcome) = branches[i];
                var n = i;
                script.On($"b{n}", async (c, ct) =>
                {
                    await Task.Delay(delay, ct);
                    return outcome switch
                    {
                        Outcome.Forward => HandlerResult.Forward(Answer($"f{n}"), "collect"),
                        Outcome.Respond => HandlerResult.Respond(Answer($"r{n}")),
                        Outcome.Fail => throw new HandlerException("branch_failed", $"b{n} failed"),
                        Outcome.End => HandlerResult.End,
                        _ => await Hang(ct),
                    };
                });
            }
            // A hanging branch is cut by the join's deadline (and later by its own listener timeout).
            var yaml = FanoutJoin(width, hangs ? ", timeout_ms: 150" : "", "peers: [collect], timeout_seconds: 1");
            var run = await RunAsync(yaml, script);
            Assert.True(run.Status == "succeeded", RunText.Of(run));
            Assert.Single(run.Outputs);
            Assert.Single(run.Steps, s => s.Listener == "collect" && s.To == "done");
            var items = Items(run);
            Assert.Equal(Enumerable.Range(0, width), items.Select(i => i.Index));
            for (var i = 0; i < width; i++)
            {
                var expected = branches[i].Outcome switch
                {
                    Outcome.Forward => (i, true, "", $"f{i}"),
                    Outcome.Respond => (i, true, "", $"r{i}"),
                    Outcome.Fail => (i, false, "branch_failed", (string?)null),
                    Outcome.End => (i, false, "branch_ended", null),
                    _ => (i, false, "timeout", null),
                };
                Assert.Equal(expected, items[i]);
            }
        }, iter: 60, threads: 1);

    [Fact]
    public Task Map_RandomCompletionOrder_ResultKeepsItemOrder() =>
        Gen.Select(Gen.Int[0, 25].Array[0, 12], Gen.Int[1, 5]).SampleAsync(async (delays, concurrency) =>
        {
            var script = new ScriptFactory().On("work", async (c, ct) =>
            {
                await Task.Delay(int.Parse(c.Payload.Element("Qty")!.Value), ct);
                return HandlerResult.Respond(Answer(c.Payload.Element("Sku")!.Value));
            });
            var yaml = MapSequenceTests.MapYaml.Replace("concurrency: 2", $"concurrency: {concurrency}");
            var order = $"<Order><Id>o</Id><Lines>{string.Concat(delays.Select((d, i) => $"<Item><Sku>s{i}</Sku><Qty>{d}</Qty></Item>"))}</Lines></Order>";
            var run = await RunAsync(yaml, script, order, "each");
            Assert.True(run.Status == "succeeded", RunText.Of(run));
            Assert.Equal(delays.Select((_, i) => (i, true, "", (string?)$"s{i}")), Items(run));
        }, iter: 40, threads: 1);

    private static async Task<HandlerResult> Hang(CancellationToken ct)
    {
        await Task.Delay(Timeout.Infinite, ct);
        return HandlerResult.End;
    }

    private static async Task<Nextra.Pump.Runs.RunRecord> RunAsync(string yaml, ScriptFactory script, string xml = "<Q><Text>hi</Text></Q>", string to = "ask")
    {
        await using var pump = await Pumps.StartAsync(yaml, options: new PumpOptions { SendBoot = false }, kinds: script);
        return await pump.RunAsync(xml, to);
    }
}
