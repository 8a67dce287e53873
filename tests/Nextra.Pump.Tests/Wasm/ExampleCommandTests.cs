using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nextra.Pump.Handlers.Code;
using Nextra.Pump.Headless;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>
/// Every example whose header holds its command (<c>#   nextra run examples/NAME.yaml --inject '…'</c>) and needs
/// no model, network or compiler runs with exactly that command and succeeds.
/// </summary>
public sealed partial class ExampleCommandTests(WasmRuntimeFixture fixture) : IClassFixture<WasmRuntimeFixture>
{
    [GeneratedRegex(@"^#\s+nextra run examples/(?<file>[\w.-]+\.yaml) --inject '(?<inject>.*)'\s*$", RegexOptions.Multiline)]
    private static partial Regex Command();

    private static string Dir => Path.Combine(AppContext.BaseDirectory, "examples");

    public static TheoryData<string> OfflineExamples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Dir, "*.yaml").Order())
        {
            var yaml = File.ReadAllText(f);
            if (Command().IsMatch(yaml) && !Regex.IsMatch(yaml, @"handler: (llm|http)\b|^\s+source: \|", RegexOptions.Multiline))
                data.Add(Path.GetFileName(f));
        }
        return data;
    }

    [Fact]
    public void TheParallelExamples_StartWithTheirCommand()
    {
        foreach (var name in new[] { "fanout-join.yaml", "map.yaml", "sequence.yaml" })
        {
            var m = Command().Match(File.ReadAllText(Path.Combine(Dir, name)));
            Assert.True(m.Success, $"{name} has no '#   nextra run examples/{name} --inject' line");
            Assert.Equal(name, m.Groups["file"].Value);
        }
        Assert.Contains("map.yaml", OfflineExamples());
    }

    [Theory]
    [MemberData(nameof(OfflineExamples))]
    public async Task Example_ItsOwnCommand_RunSucceeds(string file)
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(Dir, file));
        var m = Command().Match(yaml);
        Assert.Equal(file, m.Groups["file"].Value);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await PumpCli.RunAsync(Path.Combine(Dir, file), m.Groups["inject"].Value, null, null, 30,
            [new CodeHandlerFactory(fixture.Runtime)], stdout, stderr, CancellationToken.None);
        Assert.True(code == 0, stdout.ToString() + stderr);
        Assert.Equal("succeeded", JsonNode.Parse(stdout.ToString())!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task FanoutJoinExample_ItemsInBranchOrder_FailedBranchReported()
    {
        var run = await RunAsync("fanout-join.yaml", """{"text": "Ship it"}""");
        var items = run["outputs"]![0]!["payload"]!["Items"]!.AsArray();
        Assert.Equal(["SHIP IT", "ship it", null], items.Select(i => i!["Review"]?["Text"]?.GetValue<string>()));
        Assert.Equal([true, true, false], items.Select(i => i!["Success"]!.GetValue<bool>()));
        Assert.Equal("branch_no_match", items[2]!["Error"]!.GetValue<string>());
        var ok = await RunAsync("fanout-join.yaml", """{"text": "Fix #42"}""");
        Assert.Equal("Fix #42", ok["outputs"]![0]!["payload"]!["Items"]![2]!["Review"]!["Text"]!.GetValue<string>());
    }

    [Fact]
    public async Task MapExample_LabelsInLineOrder()
    {
        var run = await RunAsync("map.yaml", """{"id": "A-7", "lines": [{"sku": "pen", "qty": 2}, {"sku": "ink", "qty": 1}, {"sku": "pad", "qty": 5}]}""");
        var items = run["outputs"]![0]!["payload"]!["Items"]!.AsArray();
        Assert.Equal(["PEN", "INK", "PAD"], items.Select(i => i!["Label"]!["Sku"]!.GetValue<string>()));
        Assert.Equal([0L, 1L, 2L], items.Select(i => i!["Index"]!.GetValue<long>()));
    }

    [Fact]
    public async Task SequenceExample_StepsInTurn()
    {
        var run = await RunAsync("sequence.yaml", """{"text": "Hello, World"}""");
        Assert.Equal("HELLO, WORLD (signed)", run["outputs"]![0]!["payload"]!["Text"]!.GetValue<string>());
    }

    private async Task<JsonNode> RunAsync(string file, string inject)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await PumpCli.RunAsync(Path.Combine(Dir, file), inject, null, null, 30, [new CodeHandlerFactory(fixture.Runtime)], stdout, stderr, CancellationToken.None);
        Assert.True(code == 0, stdout.ToString() + stderr);
        return JsonNode.Parse(stdout.ToString())!;
    }
}
