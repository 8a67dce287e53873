using System.Xml.Linq;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Tests.Messages;

public class EnvelopeTests
{
    private const string Ns = Envelope.NamespaceUri;

    [Fact]
    public void Build_ThenParse_RoundTripsMetaAndPayload()
    {
        var env = Envelope.Build("a", "b", "t", XElement.Parse("<P><X>1</X></P>"));
        Assert.Equal(XName.Get("message", Ns), env.Name);
        var parts = Envelope.Parse(XElement.Parse(Envelope.Serialize(env)), out var error);
        Assert.Null(error);
        Assert.Equal(("a", "b", "t", "P"), (parts!.From, parts.To, parts.Thread, parts.Payload.Name.LocalName));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", Envelope.Serialize(env));
    }

    [Theory]
    [InlineData($"<message xmlns='{Ns}'><meta><from>a</from><thread>t</thread></meta><P xmlns=''/></message>", null)]
    [InlineData($"<message xmlns='{Ns}'><meta><from>a</from><thread>t</thread><sig xmlns='urn:sig'>x</sig></meta><P xmlns=''/></message>", null)]
    [InlineData($"<message xmlns='urn:other'><meta/><P/></message>", "envelope root")]
    [InlineData($"<message xmlns='{Ns}'><meta><thread>t</thread></meta><P xmlns=''/></message>", "missing <from>")]
    [InlineData($"<message xmlns='{Ns}'><meta><from>a</from></meta><P xmlns=''/></message>", "missing <thread>")]
    [InlineData($"<message xmlns='{Ns}'><meta><from>a</from><thread>t</thread></meta></message>", "no payload")]
    [InlineData($"<message xmlns='{Ns}'><meta><from>a</from><thread>t</thread></meta><P xmlns=''/><Q xmlns=''/></message>", "2 payloads")]
    [InlineData($"<message xmlns='{Ns}'><meta><from>a</from><thread>t</thread></meta><P/></message>", "no namespace")]
    public void Parse_EnvelopeRules(string xml, string? errorPart)
    {
        var parts = Envelope.Parse(XElement.Parse(xml), out var error);
        if (errorPart is null)
        {
            Assert.NotNull(parts);
        }
        else
        {
            Assert.Null(parts);
            Assert.Contains(errorPart, error);
        }
    }

    [Theory]
    [InlineData("2f1c6a3e-1b7d-4c1e-9f0a-3b2c1d0e9f8a", true)]
    [InlineData("2F1C6A3E-1B7D-4C1E-9F0A-3B2C1D0E9F8A", false)]
    [InlineData("2f1c6a3e-1b7d-1c1e-9f0a-3b2c1d0e9f8a", false)]
    [InlineData("not-a-uuid", false)]
    [InlineData("{2f1c6a3e-1b7d-4c1e-9f0a-3b2c1d0e9f8a}", false)]
    public void IsCanonicalThreadId_AcceptsOnlyLowercaseUuidV4(string id, bool ok) => Assert.Equal(ok, Envelope.IsCanonicalThreadId(id));

    [Fact]
    public void NewUuid_IsAlwaysCanonicalV4AndUnique()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => Nextra.Pump.Routing.ThreadRegistry.NewUuid()).ToList();
        Assert.All(ids, id => Assert.True(Envelope.IsCanonicalThreadId(id), id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Canonicalize_SortsAttributes_ExpandsEmpty_DropsComments()
    {
        var a = XElement.Parse("<a z='1' b='2'><!-- c --><x/>t&amp;</a>");
        var b = XElement.Parse("<a b='2'   z='1'><x></x>t&amp;</a>");
        Assert.Equal("<a b=\"2\" z=\"1\"><x></x>t&amp;</a>", XmlCanonicalizer.Canonicalize(a));
        Assert.Equal(XmlCanonicalizer.Canonicalize(a), XmlCanonicalizer.Canonicalize(b));
    }

    [Fact]
    public void Canonicalize_DeclaresNamespacesOnlyWhereUsed()
    {
        var e = XElement.Parse($"<m:message xmlns:m='{Ns}' xmlns:unused='urn:u'><m:meta/><P xmlns=''/></m:message>");
        Assert.Equal($"<m:message xmlns:m=\"{Ns}\"><m:meta></m:meta><P></P></m:message>", XmlCanonicalizer.Canonicalize(e));
    }

    [Theory]
    [InlineData("<A><B>x</B><C a=\"1\" b=\"q&amp;\" /></A>")]
    [InlineData("<A></A>")]
    [InlineData("<A />")]
    [InlineData("<A>a &lt; b &gt; c &amp; d \"q\" 'a'</A>")]
    [InlineData("<A>x<B />y</A>")]
    public void FastXml_FastParseAndSerialize_MatchSystemXml(string xml)
    {
        Assert.True(FastXml.TryParseSimple(xml, out var fast));
        var slow = XElement.Parse(xml);
        Assert.Equal(slow.ToString(SaveOptions.DisableFormatting), FastXml.Serialize(fast!));
        Assert.Equal(slow.ToString(SaveOptions.DisableFormatting), FastXml.Serialize(slow));
    }

    [Theory]
    [InlineData("<A><![CDATA[x]]></A>")]
    [InlineData("<?xml version='1.0'?><A/>")]
    [InlineData("<a:A xmlns:a='u'/>")]
    [InlineData("<A>&#65;</A>")]
    [InlineData("<A><B></A>")]
    [InlineData("<A/><B/>")]
    public void FastXml_OutsideTheSubset_DefersToSystemXml(string xml) => Assert.False(FastXml.TryParseSimple(xml, out _));
}
