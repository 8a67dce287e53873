using System.Text.Json.Nodes;
using Nextra.Pump.Handlers;
using Nextra.Pump.Headless;
using Nextra.Pump.Tests.Support;

namespace Nextra.Pump.Tests.Headless;

public class PumpCliTests
{
    internal static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    /// <summary>Factories for the kinds other helpers build, so their examples validate here too.</summary>
    internal static IHandlerFactory[] ExternalKinds => [.. HandlerRegistry.ExternalKinds.Select(k => new PermissiveFactory(k))];

    private static string Temp(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"nextra-cli-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Validate_EveryExample_IsAccepted(string file)
    {
        var stdout = new StringWriter();
        var code = PumpCli.Validate(Example(file), ExternalKinds, stdout, new StringWriter());
        Assert.True(code == 0, stdout.ToString());
        Assert.Equal("", stdout.ToString());
    }

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.yaml").Order())
        {
            data.Add(Path.GetFileName(f));
        }
        return data;
    }

    [Fact]
    public void Validate_BadFile_PrintsFileLineColCodeMessage_Exit1()
    {
        var path = Temp("organism: {name: x}\nlisteners:\n  - {name: a, description: A, payload_class: Nope, handler: output}\n");
        var stdout = new StringWriter();
        Assert.Equal(1, PumpCli.Validate(path, [], stdout, new StringWriter()));
        Assert.Equal($"{path}:3:46: unknown_payload_class: listener 'a' uses payload class 'Nope', which is not declared under payloads" + Environment.NewLine, stdout.ToString());
    }

    [Fact]
    public void Validate_WithoutExternalKinds_ReportsHandlerUnavailable()
    {
        var stdout = new StringWriter();
        Assert.Equal(1, PumpCli.Validate(Example("loop.yaml"), [], stdout, new StringWriter()));
        Assert.Contains(": handler_unavailable: listener 'writer' uses handler kind 'llm'", stdout.ToString());
    }

    [Fact]
    public async Task Run_BranchExample_PrintsCamelCaseRunJson_Exit0()
    {
        var stdout = new StringWriter();
        var code = await PumpCli.RunAsync(Example("branch.yaml"), "<Ticket><Subject>refund please</Subject><Body>b</Body></Ticket>", null, null, 10, [], stdout, new StringWriter(), CancellationToken.None);
        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout.ToString())!;
        Assert.Equal("succeeded", json["status"]!.GetValue<string>());
        Assert.StartsWith("run_", json["runId"]!.GetValue<string>());
        var output = json["outputs"]![0]!;
        Assert.Equal(("urgent", "Ticket"), (output["listener"]!.GetValue<string>(), output["class"]!.GetValue<string>()));
        Assert.Equal(3, output["payload"]!["Priority"]!.GetValue<int>()); // default filled, a number
        Assert.Equal(["triage", "urgent"], json["steps"]!.AsArray().Select(s => s!["listener"]!.GetValue<string>()));
        Assert.Equal("cli", json["steps"]![0]!["from"]!.GetValue<string>());
        Assert.NotNull(json["startedAt"]);
        Assert.NotNull(json["durationMs"]);
    }

    [Fact]
    public async Task Run_JsonInjectionWithPayloadClass_IsMapped()
    {
        var stdout = new StringWriter();
        var code = await PumpCli.RunAsync(Example("branch.yaml"), """{"subject": "hello", "body": "b", "priority": 1}""", "triage", "Ticket", null, [], stdout, new StringWriter(), CancellationToken.None);
        Assert.Equal(0, code);
        Assert.Equal("normal", JsonNode.Parse(stdout.ToString())!["outputs"]![0]!["listener"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_BroadcastExample_ReachesEverySubscriber()
    {
        var stdout = new StringWriter();
        var code = await PumpCli.RunAsync(Example("broadcast.yaml"), "<OrderPlaced><OrderId>A-1</OrderId><Total>12.5</Total><Items><Item>pen</Item></Items></OrderPlaced>", null, null, null, [], stdout, new StringWriter(), CancellationToken.None);
        Assert.Equal(0, code);
        var outputs = JsonNode.Parse(stdout.ToString())!["outputs"]!.AsArray();
        Assert.Equal(["audit", "billing", "shipping"], outputs.Select(o => o!["listener"]!.GetValue<string>()).Order());
        Assert.Equal(12.5, outputs[0]!["payload"]!["Total"]!.GetValue<double>());
        Assert.Equal("pen", outputs[0]!["payload"]!["Items"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_PipelineExample_FollowsTwoBranches()
    {
        var stdout = new StringWriter();
        var xml = "<Metrics><Host>h</Host><Cpu>0.5</Cpu><Errors>0</Errors><Sampled>2024-01-01T00:00:00Z</Sampled><Tags><Item>critical</Item></Tags></Metrics>";
        Assert.Equal(0, await PumpCli.RunAsync(Example("pipeline.yaml"), xml, null, null, null, [], stdout, new StringWriter(), CancellationToken.None));
        var json = JsonNode.Parse(stdout.ToString())!;
        Assert.Equal(["intake", "classify", "alert"], json["steps"]!.AsArray().Select(s => s!["listener"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Run_FailedRun_Exit1_StillPrintsTheRecord()
    {
        var path = Temp("organism: {name: x}\npayloads: {T: {fields: {A: string}}}\nlisteners:\n  - {name: b, description: B, payload_class: T, handler: branch, config: {cases: [{if: \"A = 'yes'\", to: o}]}}\n  - {name: o, description: O, payload_class: T, handler: output}\n");
        var stdout = new StringWriter();
        Assert.Equal(1, await PumpCli.RunAsync(path, "<T><A>no</A></T>", "b", null, null, [], stdout, new StringWriter(), CancellationToken.None));
        var json = JsonNode.Parse(stdout.ToString())!;
        Assert.Equal("failed", json["status"]!.GetValue<string>());
        Assert.Equal("branch_no_match", json["steps"]![0]!["error"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", "<T/>", null)]
    [InlineData("x.yaml", "", null)]
    [InlineData("x.yaml", "{not json", null)]
    [InlineData("x.yaml", "[1,2]", null)]
    [InlineData("x.yaml", "<T/>", -1.0)]
    public async Task Run_UsageErrors_Exit2(string path, string inject, double? timeout)
    {
        var file = path.Length == 0 ? "" : Example("branch.yaml");
        var stderr = new StringWriter();
        Assert.Equal(2, await PumpCli.RunAsync(file, inject, null, null, timeout, [], new StringWriter(), stderr, CancellationToken.None));
        Assert.NotEqual("", stderr.ToString());
    }

    [Fact]
    public async Task Run_WithHostServices_UsesThem()
    {
        var built = 0;
        var code = await PumpCli.RunAsync(Example("branch.yaml"), "<Ticket><Subject>s</Subject><Body>b</Body></Ticket>", null, null, null, [],
            flow => { built++; return new Nextra.Pump.Runtime.LocalFlowServices(flow); }, new StringWriter(), new StringWriter(), CancellationToken.None);
        Assert.Equal((0, 1), (code, built));
    }

    [Fact]
    public async Task Run_RefusedInjection_Exit1WithCode()
    {
        var stderr = new StringWriter();
        Assert.Equal(1, await PumpCli.RunAsync(Example("branch.yaml"), "<Ticket/>", null, null, null, [], new StringWriter(), stderr, CancellationToken.None));
        Assert.StartsWith("payload_invalid:", stderr.ToString());
    }
}
