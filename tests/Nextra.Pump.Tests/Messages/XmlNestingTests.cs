using System.Text.Json.Nodes;
using Nextra.Pump.Config;
using Nextra.Pump.Messages;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;

namespace Nextra.Pump.Tests.Messages;

/// <summary>Deeply nested XML is refused by depth, before any parser sees it (issue 19, defect 1).</summary>
public class XmlNestingTests
{
    private const string Flow = """
        organism: {name: nesting}
        payloads:
          Ticket: {fields: {Subject: string, Body: string, Raw: {type: xml, optional: true}}}
        triggers:
          - {name: hook, type: webhook, target: done, payload: Ticket}
        listeners:
          - {name: done, description: records it, payload_class: Ticket, handler: output}
        """;

    private static string Nested(int depth) =>
        "<Ticket><Subject>" + string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth)) + "</Subject><Body>x</Body></Ticket>";

    [Theory]
    [InlineData("<a/>", 1)]
    [InlineData("<a></a>", 1)]
    [InlineData("<a><b><c/></b><b>t</b></a>", 3)]
    [InlineData("<?xml version=\"1.0\"?><!-- <x><y><z> --><a x='<b>' y=\"/>\"><![CDATA[<c><d><e>]]></a>", 1)]
    [InlineData("<a><b/><b /><b x=\"1\"/></a>", 2)]
    [InlineData("text only", 0)]
    [InlineData("<a><b><c>", 3)]
    public void Depth_CountsElementNestingOnly(string xml, int depth) => Assert.Equal(depth, XmlLimits.Depth(xml));

    [Fact]
    public void Depth_StopsCountingPastTheLimit() =>
        Assert.Equal(65, XmlLimits.Depth(Nested(1_000_000 / 7), stopAbove: 64));

    [Fact]
    public async Task Inject_NestedPastTheLimit_FailsPayloadTooDeepWithoutRepair()
    {
        await using var pump = await Pumps.StartAsync(Flow);

        var ex = await Assert.ThrowsAsync<PumpException>(() => pump.InjectAsync(new Injection { PayloadXml = Nested(149_000) }, CancellationToken.None));

        Assert.Equal("payload_too_deep", ex.Code);
        Assert.Contains("deeper than 64 levels", ex.Message);
    }

    [Fact]
    public async Task Inject_LimitFromOptions_IsHonoured()
    {
        await using var pump = await Pumps.StartAsync(Flow, options: new PumpOptions { MaxXmlDepth = 8 });

        var ex = await Assert.ThrowsAsync<PumpException>(() => pump.InjectAsync(new Injection { PayloadXml = Nested(8) }, CancellationToken.None));
        Assert.Equal("payload_too_deep", ex.Code);
        var run = await pump.RunAsync("<Ticket><Subject>s</Subject><Body>b</Body><Raw><a><b/></a></Raw></Ticket>");
        Assert.Equal("succeeded", run.Status);
    }

    [Fact]
    public async Task Inject_DeepPayload_DoesNotHoldUpTheNextRun()
    {
        await using var pump = await Pumps.StartAsync(Flow);

        for (var i = 0; i < 5; i++)
            await Assert.ThrowsAsync<PumpException>(() => pump.InjectAsync(new Injection { PayloadXml = Nested(149_000) }, CancellationToken.None));
        var run = await pump.RunAsync("<Ticket><Subject>s</Subject><Body>b</Body></Ticket>");

        Assert.Equal("succeeded", run.Status);
    }

    [Fact]
    public void Check_JsonXmlFieldPastTheLimit_IsTooDeep()
    {
        var flow = Pumps.Load(Flow);
        var json = new JsonObject { ["Subject"] = "s", ["Body"] = "b", ["Raw"] = string.Concat(Enumerable.Repeat("<a>", 70)) + string.Concat(Enumerable.Repeat("</a>", 70)) };

        var problem = InjectionPayload.Check(flow, new Injection { PayloadJson = json, PayloadClass = "Ticket" });

        Assert.Equal("payload_too_deep", problem?.Code);
    }

    [Theory]
    [InlineData("<Ticket><Subject>s</Subject><Body>b</Body></Ticket>", null)]
    [InlineData("<Ticket><Subject>s</Subject></Ticket>", "payload_invalid")]
    [InlineData("<Ticket><Subject>s<</Subject><Body>b</Body></Ticket>", null)] // repaired, as the pump repairs it
    [InlineData("<Nope/>", "payload_invalid")]
    public void Check_AgreesWithThePump(string xml, string? code)
    {
        var flow = Pumps.Load(Flow);
        Assert.Equal(code, InjectionPayload.Check(flow, new Injection { PayloadXml = xml, Target = "done", PayloadClass = "Ticket" })?.Code);
    }

    [Fact]
    public void Repair_ThousandsOfAttributes_KeepsTheFirst256()
    {
        // Found by the fuzz test: every added attribute walked the ones before it.
        var xml = "<Ticket " + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"a{i}='{i}' ")) + "><Subject>s<</Subject></Ticket>";

        var (element, repairs) = XmlRepair.RepairSingle(xml);

        Assert.Equal(256, element!.Attributes().Count());
        Assert.Contains(repairs, r => r.StartsWith("dropped attributes past the first 256", StringComparison.Ordinal));
    }

    [Fact]
    public void Repair_DeepGarbage_NotesTheFlatteningOnce()
    {
        var (element, repairs) = XmlRepair.RepairSingle(Nested(20_000));

        Assert.NotNull(element);
        Assert.Single(repairs, r => r.StartsWith("flattened", StringComparison.Ordinal));
        Assert.True(repairs.Count < 10, string.Join("\n", repairs));
    }
}
