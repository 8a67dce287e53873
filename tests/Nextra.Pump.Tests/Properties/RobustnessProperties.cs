using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using CsCheck;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Messages;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Headless;
using Nextra.Pump.Tests.Messages;
using Nextra.Pump.Tests.Support;

namespace Nextra.Pump.Tests.Properties;

/// <summary>Thousands of generated and mutated inputs: nothing escapes, every rejection carries a code.</summary>
public partial class RobustnessProperties
{
    [GeneratedRegex("^[a-z][a-z_]*$")]
    private static partial Regex CodePattern();

    private static readonly string[] ExampleYaml = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.yaml")
        .Select(File.ReadAllText).ToArray();

    private static readonly HandlerRegistry Registry = new(PumpCliTests.ExternalKinds);

    private static void AssertWellFormed(FlowLoadResult result)
    {
        Assert.Equal(result.Flow is not null, result.Problems.Count == 0);
        foreach (var p in result.Problems)
        {
            Assert.Matches(CodePattern(), p.Code);
            Assert.True(p.Line >= 0 && p.Column >= 0);
            Assert.False(string.IsNullOrWhiteSpace(p.Message));
        }
    }

    [Fact]
    public void Loader_MutatedExamples_NeverThrowAndEveryProblemIsCoded() =>
        Mutations.Yaml(ExampleYaml).Sample(yaml => AssertWellFormed(FlowLoader.Load(yaml, Registry)), iter: 3000, threads: 1);

    [Fact]
    public void Loader_GeneratedDocuments_NeverThrowAndEveryProblemIsCoded() =>
        Mutations.GeneratedYaml.Sample(yaml => AssertWellFormed(FlowLoader.Load(yaml, Registry)), iter: 3000, threads: 1);

    private static readonly string[] XmlSeeds =
    [
        "<Msg><Text>hello</Text></Msg>",
        "<Ticket><Subject>s</Subject><Priority>4</Priority><Score>1.5</Score><Urgent>true</Urgent><Tags><Item>a</Item></Tags><Owner><Name>n</Name><Id>1</Id></Owner><Raw>x<b>y</b></Raw></Ticket>",
        $"<message xmlns='{Envelope.NamespaceUri}'><meta><from>x</from><to>a</to><thread>{Guid.NewGuid()}</thread></meta><Msg xmlns=''><Text>e</Text></Msg></message>",
        "Sure: <Search><Query>cats &amp; dogs</Query></Search> and <Note>n</Note>",
    ];

    [Fact]
    public void Repair_MutatedXml_AlwaysYieldsWellFormedElements() =>
        Mutations.Xml(XmlSeeds).Sample(text =>
        {
            var (payloads, repairs, outside) = XmlRepair.ExtractPayloads(text);
            Assert.NotNull(outside);
            Assert.NotNull(repairs);
            foreach (var p in payloads)
            {
                var serialised = p.ToString(SaveOptions.DisableFormatting);
                Assert.Equal(serialised, XElement.Parse(serialised, LoadOptions.PreserveWhitespace).ToString(SaveOptions.DisableFormatting));
            }
        }, iter: 3000, threads: 1);

    [Fact]
    public void FastXmlParser_AgreesWithSystemXml() =>
        Mutations.Xml(XmlSeeds).Sample(text =>
        {
            XElement? slow = null;
            try
            {
                slow = XElement.Parse(text);
            }
            catch (XmlException)
            {
            }
            if (FastXml.TryParseSimple(text, out var fast))
            {
                Assert.NotNull(slow);
                Assert.Equal(slow!.ToString(SaveOptions.DisableFormatting), FastXml.Serialize(fast!));
            }
            if (slow is not null)
            {
                Assert.Equal(slow.ToString(SaveOptions.DisableFormatting), FastXml.Serialize(slow));
            }
        }, iter: 3000, threads: 1);

    private static readonly Lazy<PayloadSchema> Ticket = new(() => PayloadSchemaTests.Compile("""
      Subject: string
      Priority: {type: int, optional: true}
      Score: float
      Urgent: bool
      Due: {type: datetime, optional: true}
      Tags: {type: list, of: string}
      Owner: {fields: {Name: string, Id: int}}
      Raw: {type: xml, optional: true}
"""));

    private static readonly string[] ValueTokens = ["1", "-0", "+5", "1.5", "1e3", ".5", "5.", "INF", "-INF", "NaN", "true", "false", "0", "yes", " 7 ", "2024-01-31T12:00:00Z",
        "2024-13-01T00:00:00", "99999999999999999999", "", "x", "<b/>", "<Item>i</Item>", "<Name>n</Name><Id>2</Id>"];

    [Fact]
    public void PayloadValidator_AgreesWithTheGeneratedXsd()
    {
        var gen = Gen.Select(Gen.Int[0, 7], Gen.Int[0, ValueTokens.Length - 1], Gen.Int[0, 3], Gen.Bool, (field, value, op, drop) => (field, value, op, drop)).Array[1, 4];
        gen.Sample(mutations =>
        {
            var e = XElement.Parse(Ticket.Value.ExampleXml);
            foreach (var (field, value, op, drop) in mutations)
            {
                var children = e.Elements().ToList();
                if (children.Count == 0)
                {
                    break;
                }
                var target = children[field % children.Count];
                switch (op)
                {
                    case 0:
                        target.ReplaceNodes(XElement.Parse($"<x>{ValueTokens[value]}</x>").Nodes());
                        break;
                    case 1 when drop:
                        target.Remove();
                        break;
                    case 2:
                        target.AddAfterSelf(new XElement(children[value % children.Count]));
                        break;
                    default:
                        target.Elements().FirstOrDefault()?.ReplaceNodes(XElement.Parse($"<x>{ValueTokens[value]}</x>").Nodes());
                        break;
                }
            }
            var fast = Ticket.Value.Validate(e);
            var xsd = Ticket.Value.ValidateWithXsd(e);
            Assert.True((fast is null) == (xsd is null), $"{e}\nfast: {fast}\nxsd: {xsd}");
        }, iter: 2000, threads: 1);
    }

    [Fact]
    public async Task Pump_MutatedInjections_AreAcceptedOrRefusedWithACode_AndThePumpKeepsServing()
    {
        const string yaml = """
organism: {name: org}
payloads:
  Msg: {fields: {Text: string}}
listeners:
  - {name: a, description: A, payload_class: Msg, handler: script}
  - {name: out, description: Out, payload_class: Msg, handler: output}
""";
        var script = new ScriptFactory().On("a", c => c.Payload.Element("Text")!.Value.Length % 3 == 0
            ? HandlerResult.Forward(c.Payload, "out")
            : c.Payload.Element("Text")!.Value.Length % 3 == 1 ? throw new InvalidOperationException("odd") : HandlerResult.Forward(new XElement("Junk"), "out"));
        await using var pump = await Pumps.StartAsync(yaml, options: new PumpOptions { SendBoot = false }, kinds: script);
        var statuses = new HashSet<string> { "succeeded", "failed" };
        var samples = new List<string>();
        Mutations.Xml(XmlSeeds).Sample(text => samples.Add(text), iter: 2000, threads: 1);
        var accepted = 0;
        foreach (var text in samples)
        {
            try
            {
                var handle = await pump.InjectAsync(new Injection { PayloadXml = text, Target = text.Length % 2 == 0 ? "a" : null }, CancellationToken.None);
                var run = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Contains(run.Status, statuses);
                Assert.All(run.Steps.Where(s => s.Error is not null), s => Assert.Matches(CodePattern(), s.Error!.Code));
                accepted++;
            }
            catch (PumpException ex)
            {
                Assert.Matches(CodePattern(), ex.Code);
            }
        }
        Assert.True(accepted > 0);
        var ok = await pump.RunAsync("<Msg><Text>abc</Text></Msg>", "a");
        Assert.Equal("succeeded", ok.Status);
        Assert.Equal(0, pump.ActiveRuns);
        Assert.Equal(0, pump.QueueDepth);
    }
}
