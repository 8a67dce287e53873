using System.Text.Json.Nodes;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers.Code;
using Nextra.Pump.Headless;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>
/// An edge means data flows there (issue 16): a code block with one peer forwards to it without
/// <c>_to</c>; with several and no <c>_to</c> its result goes back to the caller, which the run
/// records as a <c>not_forwarded</c> note and validation warns about with the line.
/// </summary>
public sealed class CodeEdgeRuleTests(WasmRuntimeFixture fixture) : IClassFixture<WasmRuntimeFixture>
{
    private static string Flow(string peers, string output = """{"text":"fixed"}""")
    {
        var wat = string.Join('\n', WatModules.Constant(output).Split('\n').Select(l => "        " + l));
        return $$"""
            organism:
              name: edge-rule
            payloads:
              Note:
                fields:
                  text: string
            triggers:
              - {name: manual, type: manual, target: block, payload: Note}
            listeners:
              - name: block
                description: Answers a fixed note
                payload_class: Note
                handler: code
                peers: [{{peers}}]
                config:
                  wat: |
            {{wat}}
              - {name: done, description: The result, payload_class: Note, handler: output}
              - {name: other, description: Another result, payload_class: Note, handler: output}

            """;
    }

    private async Task<JsonObject> RunAsync(string yaml)
    {
        var dir = Path.Combine(Path.GetTempPath(), "nextra-edge-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "flow.yaml");
            File.WriteAllText(path, yaml);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = await PumpCli.RunAsync(path, """{"text": "hello"}""", null, null, 20, [new CodeHandlerFactory(fixture.Runtime)], stdout, stderr, CancellationToken.None);
            Assert.True(code == 0, stdout.ToString() + stderr);
            return JsonNode.Parse(stdout.ToString())!.AsObject();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task OnePeer_NoTo_TheNextNodeRuns()
    {
        var run = await RunAsync(Flow("done"));
        var output = Assert.Single(run["outputs"]!.AsArray())!;
        Assert.Equal("done", output["listener"]!.GetValue<string>());
        Assert.Equal("fixed", output["payload"]!["text"]!.GetValue<string>());
        Assert.DoesNotContain(run["steps"]!.AsArray(), s => s!["error"]?["code"]?.GetValue<string>() == "not_forwarded");
    }

    [Fact]
    public async Task TwoPeers_NoTo_AnswersTheCallerWithANotForwardedNote()
    {
        var run = await RunAsync(Flow("done, other"));
        Assert.DoesNotContain(run["outputs"]!.AsArray(), o => o!["listener"]?.GetValue<string>() is "done" or "other");
        var note = Assert.Single(run["steps"]!.AsArray(), s => s!["error"]?["code"]?.GetValue<string>() == "not_forwarded")!;
        Assert.Equal("block", note["listener"]!.GetValue<string>());
        Assert.Contains("none of its peers (done, other)", note["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task TwoPeers_ExplicitTo_GoesThere()
    {
        var run = await RunAsync(Flow("done, other", """{"text":"fixed","_to":"other"}"""));
        Assert.Equal("other", Assert.Single(run["outputs"]!.AsArray())!["listener"]!.GetValue<string>());
    }

    private FlowDefinition Load(string yaml)
    {
        var result = FlowLoader.Load(yaml, new Nextra.Pump.Handlers.HandlerRegistry([new CodeHandlerFactory(fixture.Runtime)]));
        Assert.True(result.Flow is not null, string.Join("; ", result.Problems));
        return result.Flow;
    }

    [Fact]
    public void Warnings_SeveralPeersWithoutTo_WarnWithTheLine_OnePeerOrToDoesNot()
    {
        var several = Load(Flow("done, other"));
        var w = Assert.Single(FlowWarnings.Find(several));
        Assert.Equal(FlowWarnings.CodeNoRoute, w.Code);
        Assert.Equal(10, w.Line);
        Assert.Contains("'block' has 2 peers", w.Message);
        Assert.Empty(FlowWarnings.Find(Load(Flow("done"))));
        Assert.Empty(FlowWarnings.Find(Load(Flow("done, other", """{"text":"x","_to":"done"}"""))));
    }
}
