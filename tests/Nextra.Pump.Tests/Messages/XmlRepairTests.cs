using System.Xml.Linq;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Tests.Messages;

public class XmlRepairTests
{
    [Fact]
    public void ExtractPayloads_ValidXml_PassesUnchangedWithoutRepairs()
    {
        var (payloads, repairs, outside) = XmlRepair.ExtractPayloads("<Answer><Text>hi &amp; bye</Text></Answer>");
        Assert.Equal("<Answer><Text>hi &amp; bye</Text></Answer>", Assert.Single(payloads).ToString(SaveOptions.DisableFormatting));
        Assert.Empty(repairs);
        Assert.Equal("", outside);
    }

    [Fact]
    public void ExtractPayloads_MultipleRootsInProse_DummyWrapping()
    {
        var text = "Sure! Here you go:\n```xml\n<Search><Query>cats</Query></Search>\n<Note>done</Note>\n```\nAnything else?";
        var (payloads, repairs, outside) = XmlRepair.ExtractPayloads(text);
        Assert.Equal(["Search", "Note"], payloads.Select(p => p.Name.LocalName));
        Assert.Equal("Sure! Here you go: Anything else?", outside);
        Assert.Contains("removed markdown code fences", repairs);
    }

    [Theory]
    [InlineData("<A><B>x</A>", "<A><B>x</B></A>", "closed unclosed <B> before </A>")]
    [InlineData("<A>fish & chips</A>", "<A>fish &amp; chips</A>", "escaped a stray '&'")]
    [InlineData("<A>1 < 2</A>", "<A>1 &lt; 2</A>", "escaped a stray '<'")]
    [InlineData("<A>x</B></A>", "<A>x</A>", "dropped stray </B>")]
    [InlineData("<A><B>x", "<A><B>x</B></A>", "closed unclosed <B> at the end")]
    [InlineData("<A k=v>x</A>", "<A k=\"v\">x</A>", "quoted the value of attribute k")]
    [InlineData("<ns:A>x</ns:A>", "<A>x</A>", "dropped the namespace prefix of ns:A")]
    [InlineData("<A>\u0001x</A>", "<A>x</A>", "removed characters XML does not allow")]
    public void ExtractPayloads_DirtyXml_IsRecoveredAndReported(string dirty, string expected, string repair)
    {
        var (payloads, repairs, _) = XmlRepair.ExtractPayloads(dirty);
        Assert.Equal(expected, Assert.Single(payloads).ToString(SaveOptions.DisableFormatting));
        Assert.Contains(repair, repairs);
    }

    [Theory]
    [InlineData("")]
    [InlineData("just words, no markup")]
    [InlineData("a < b and c > d")]
    [InlineData("<<<>>>")]
    public void ExtractPayloads_NoElements_GivesTextOnly(string text)
    {
        var (payloads, _, outside) = XmlRepair.ExtractPayloads(text);
        Assert.Empty(payloads);
        Assert.Equal(text.Trim(), outside);
    }

    [Fact]
    public void RepairSingle_KeepsFirstRootAndSaysSo()
    {
        var (element, repairs) = XmlRepair.RepairSingle("<A/><B/>");
        Assert.Equal("A", element!.Name.LocalName);
        Assert.Contains("kept the first of 2 root elements", repairs);
    }
}
