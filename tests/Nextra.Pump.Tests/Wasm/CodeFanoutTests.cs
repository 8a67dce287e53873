using Nextra.Pump.Handlers;
using Nextra.Pump.Handlers.Code;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Parallel;
using Nextra.Pump.Tests.Support;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>A code block that outputs a JSON array emits each element: several <c>_to</c> at once are a fan-out its join collects.</summary>
public sealed class CodeFanoutTests(WasmRuntimeFixture fixture) : IClassFixture<WasmRuntimeFixture>
{
    [Fact]
    public async Task CodeBlock_ArrayWithSeveralTo_IsAFanoutTheJoinCollects()
    {
        var wat = WatModules.Constant("""[{"Text":"to a","_to":"a"},{"Text":"to b","_to":"b"}]""").Replace("\n", "\n        ");
        var yaml = $$$"""
            organism: {name: codefan}
            {{{ParallelFlows.Classes}}}
            listeners:
              - name: split
                description: emits two payloads at once
                payload_class: Q
                handler: code
                peers: [a, b]
                config:
                  wat: |
                    {{{wat}}}
              - {name: a, description: a, payload_class: Q, handler: script, peers: [collect]}
              - {name: b, description: b, payload_class: Q, handler: script, peers: [collect]}
              - {name: collect, description: joins, payload_class: A, handler: join, peers: [done], config: {output: R}}
              - {name: done, description: result, payload_class: R, handler: output}
            """;
        var script = new ScriptFactory()
            .On("a", c => HandlerResult.Forward(ParallelFlows.Answer("A got " + ParallelFlows.TextOf(c)), "collect"))
            .On("b", c => HandlerResult.Forward(ParallelFlows.Answer("B got " + ParallelFlows.TextOf(c)), "collect"));
        await using var pump = await Pumps.StartAsync(yaml, options: new PumpOptions { SendBoot = false }, kinds: [new CodeHandlerFactory(fixture.Runtime), script]);
        var run = await pump.RunAsync("<Q><Text>go</Text></Q>", "split");
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal([(0, true, "", "A got to a"), (1, true, "", "B got to b")], ParallelFlows.Items(run));
    }
}
