using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nextra.Pump.Config;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Tests.Messages;

public class PayloadSchemaTests
{
    internal static PayloadSchema Compile(string fieldsYaml, string name = "Ticket")
    {
        var yaml = $"organism: {{name: s}}\npayloads:\n  {name}:\n    fields:\n{fieldsYaml}\nlisteners:\n  - {{name: a, description: A, payload_class: {name}, handler: output}}\n";
        var result = FlowLoader.Load(yaml);
        Assert.True(result.Ok, string.Join("\n", result.Problems));
        return new PayloadSchema(result.Flow!.Payloads[name]);
    }

    private static readonly Lazy<PayloadSchema> Ticket = new(() => Compile("""
      Subject: string
      Priority: {type: int, optional: true, default: 3}
      Score: float
      Urgent: bool
      Due: {type: datetime, optional: true}
      Tags: {type: list, of: string}
      Owner: {fields: {Name: string, Id: int}}
      Raw: {type: xml, optional: true}
"""));

    [Fact]
    public void Xsd_RootIsClassName_ChildrenInDeclaredOrder()
    {
        var xsd = XElement.Parse(Ticket.Value.Xsd);
        XNamespace xs = "http://www.w3.org/2001/XMLSchema";
        var root = xsd.Element(xs + "element")!;
        Assert.Equal("Ticket", (string?)root.Attribute("name"));
        var names = root.Element(xs + "complexType")!.Element(xs + "sequence")!.Elements(xs + "element").Select(e => (string?)e.Attribute("name"));
        Assert.Equal(["Subject", "Priority", "Score", "Urgent", "Due", "Tags", "Owner", "Raw"], names);
        Assert.NotNull(Ticket.Value.SchemaSet); // compiles with System.Xml.Schema
    }

    [Fact]
    public void Validate_ExampleXml_IsValid()
    {
        Assert.Null(Ticket.Value.Validate(XElement.Parse(Ticket.Value.ExampleXml)));
        Assert.Null(Ticket.Value.ValidateWithXsd(XElement.Parse(Ticket.Value.ExampleXml)));
    }

    [Theory]
    [InlineData("<Ticket><Subject>s</Subject><Score>1.5</Score><Urgent>true</Urgent><Tags/><Owner><Name>n</Name><Id>1</Id></Owner></Ticket>", true)]
    [InlineData("<Ticket><Subject>s</Subject><Priority> 7 </Priority><Score>-1e3</Score><Urgent>0</Urgent><Due>2024-01-31T12:00:00Z</Due><Tags><Item>a</Item><Item>b</Item></Tags><Owner><Name>n</Name><Id>1</Id></Owner><Raw>x <b>y</b></Raw></Ticket>", true)]
    [InlineData("<Ticket><Score>1.5</Score><Urgent>true</Urgent><Tags/><Owner><Name>n</Name><Id>1</Id></Owner></Ticket>", false)]
    [InlineData("<Ticket><Subject>s</Subject><Score>x</Score><Urgent>true</Urgent><Tags/><Owner><Name>n</Name><Id>1</Id></Owner></Ticket>", false)]
    [InlineData("<Ticket><Subject>s</Subject><Score>1</Score><Urgent>yes</Urgent><Tags/><Owner><Name>n</Name><Id>1</Id></Owner></Ticket>", false)]
    [InlineData("<Ticket><Score>1</Score><Subject>s</Subject><Urgent>true</Urgent><Tags/><Owner><Name>n</Name><Id>1</Id></Owner></Ticket>", false)]
    [InlineData("<Ticket><Subject>s</Subject><Score>1</Score><Urgent>true</Urgent><Tags><Tag>a</Tag></Tags><Owner><Name>n</Name><Id>1</Id></Owner></Ticket>", false)]
    [InlineData("<Ticket><Subject>s</Subject><Score>1</Score><Urgent>true</Urgent><Tags/><Owner><Name>n</Name><Id>1.5</Id></Owner></Ticket>", false)]
    [InlineData("<Ticket><Subject>s</Subject><Score>1</Score><Urgent>true</Urgent><Tags/><Owner><Name>n</Name><Id>1</Id></Owner><Extra/></Ticket>", false)]
    [InlineData("<Ticket a='1'><Subject>s</Subject><Score>1</Score><Urgent>true</Urgent><Tags/><Owner><Name>n</Name><Id>1</Id></Owner></Ticket>", false)]
    [InlineData("<Ticket><Subject>s</Subject><Score>1</Score><Urgent>true</Urgent><Due>2024-01-31</Due><Tags/><Owner><Name>n</Name><Id>1</Id></Owner></Ticket>", false)]
    [InlineData("<Ticket>stray<Subject>s</Subject><Score>1</Score><Urgent>true</Urgent><Tags/><Owner><Name>n</Name><Id>1</Id></Owner></Ticket>", false)]
    [InlineData("<Other/>", false)]
    public void Validate_AgreesWithTheXsd(string xml, bool valid)
    {
        var e = XElement.Parse(xml);
        var fast = Ticket.Value.Validate(e);
        var xsd = Ticket.Value.ValidateWithXsd(e);
        Assert.Equal(valid, fast is null);
        Assert.Equal(valid, xsd is null);
    }

    [Fact]
    public void Validate_NamespacedPayload_IsRejected()
    {
        var e = XElement.Parse("<Ticket xmlns='urn:x'><Subject>s</Subject></Ticket>");
        Assert.Contains("no namespace", Ticket.Value.Validate(e));
    }

    [Fact]
    public void ToJson_TypesNumbersBoolsListsAndNestedObjects()
    {
        var e = XElement.Parse("<Ticket><Subject>s</Subject><Score>2.5</Score><Urgent>true</Urgent><Tags><Item>a</Item></Tags><Owner><Name>n</Name><Id>42</Id></Owner></Ticket>");
        var json = Ticket.Value.ToJson(e);
        Assert.Equal("""{"Subject":"s","Priority":3,"Score":2.5,"Urgent":true,"Tags":["a"],"Owner":{"Name":"n","Id":42}}""", json.ToJsonString());
    }

    [Fact]
    public void FromJson_KeysMatchCaseInsensitivelyAndLoosely_DefaultsFill()
    {
        var json = JsonNode.Parse("""{"subject":"Hi","SCORE":"1.25","urgent":"true","tags":["x","y"],"owner":{"name":"n","ID":7},"raw":"<b>bold</b>"}""")!.AsObject();
        var e = Ticket.Value.FromJson(json);
        Assert.Null(Ticket.Value.Validate(e));
        Assert.Equal("Hi", (string?)e.Element("Subject"));
        Assert.Equal("3", (string?)e.Element("Priority"));
        Assert.Equal("bold", e.Element("Raw")!.Element("b")!.Value);
        Assert.Equal(2, e.Element("Tags")!.Elements("Item").Count());
        var snake = Compile("      OriginalSender: string", "Msg").FromJson(JsonNode.Parse("""{"original_sender":"a"}""")!.AsObject());
        Assert.Equal("a", (string?)snake.Element("OriginalSender"));
    }

    [Theory]
    [InlineData("""{"Subject":"s","Score":1,"Urgent":true,"Owner":{"Name":"n","Id":1},"Bogus":1}""", "unknown_field")]
    [InlineData("""{"Score":1,"Urgent":true,"Owner":{"Name":"n","Id":1}}""", "missing_field")]
    [InlineData("""{"Subject":"s","Score":"abc","Urgent":true,"Owner":{"Name":"n","Id":1}}""", "invalid_type")]
    [InlineData("""{"Subject":"s","Score":1,"Urgent":true,"Owner":"x"}""", "invalid_type")]
    [InlineData("""{"Subject":"s","Score":1,"Urgent":true,"Tags":"x","Owner":{"Name":"n","Id":1}}""", "invalid_type")]
    public void FromJson_BadJson_ThrowsCodedMappingException(string json, string code)
    {
        var ex = Assert.Throws<PayloadMappingException>(() => Ticket.Value.FromJson(JsonNode.Parse(json)!.AsObject()));
        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public void BuiltIns_SystemErrorBootLlmReplyHttpResponse_Exist()
    {
        var set = new PayloadSchemaSet(FlowLoader.Load("organism: {name: b}\nlisteners:\n  - {name: a, description: A, payload_class: Boot, handler: output}\n").Flow!);
        Assert.Null(set.Find("SystemError")!.Validate(XElement.Parse("<SystemError><Code>routing</Code><Message>m</Message><RetryAllowed>true</RetryAllowed></SystemError>")));
        Assert.Null(set.Find("LlmReply")!.Validate(XElement.Parse("<LlmReply><Text>t</Text></LlmReply>")));
        Assert.Null(set.Find("HttpResponse")!.Validate(XElement.Parse("<HttpResponse><Status>200</Status><Headers><H name='a'>b</H></Headers><Body>x</Body></HttpResponse>")));
        Assert.Null(set.Find("HttpResponse")!.Validate(XElement.Parse("<HttpResponse><Status>200</Status><Headers>content-type: text/plain</Headers><Body/></HttpResponse>")));
        Assert.NotNull(set.Find("Boot"));
    }
}
