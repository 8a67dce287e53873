using System.Xml.Linq;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Tests.Runtime;

/// <summary>Flow documents and payload helpers shared by the engine tests.</summary>
internal static class Flows
{
    public const string Basic = """
organism: {name: org}
payloads:
  Msg: {fields: {Text: string}}
  Other: {fields: {N: int}}
listeners:
  - {name: a, description: Agent A, payload_class: Msg, handler: script}
  - {name: b, description: Worker B, payload_class: Msg, handler: script}
  - {name: out, description: Final output, payload_class: Msg, handler: output}
""";

    public static XElement Msg(string text) => new("Msg", new XElement("Text", text));

    public static string MsgXml(string text) => $"<Msg><Text>{text}</Text></Msg>";

    public static string Text(this HandlerContext ctx) => ctx.Payload.Element("Text")!.Value;

    public static string With(this string yaml, string find, string replace)
    {
        Assert.Contains(find, yaml);
        return yaml.Replace(find, replace);
    }
}
