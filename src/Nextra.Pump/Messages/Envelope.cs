using System.Xml;
using System.Xml.Linq;

namespace Nextra.Pump.Messages;

/// <summary>
/// The universal envelope: <c>message</c> in <see cref="Namespace"/> with <c>meta/from</c>, optional
/// <c>meta/to</c>, <c>meta/thread</c> (then optional foreign elements) and exactly one payload in no
/// namespace. In-process hops keep the parts apart; envelopes are built for egress and parsed on ingress.
/// </summary>
public static class Envelope
{
    public const string NamespaceUri = "https://xml-pipeline.org/ns/envelope/v1";
    public static readonly XNamespace Namespace = NamespaceUri;
    private static readonly XName Message = Namespace + "message";
    private static readonly XName Meta = Namespace + "meta";
    private static readonly XName From = Namespace + "from";
    private static readonly XName To = Namespace + "to";
    private static readonly XName Thread = Namespace + "thread";

    public static XElement Build(string from, string? to, string thread, XElement payload)
    {
        var meta = new XElement(Meta, new XElement(From, from));
        if (!string.IsNullOrEmpty(to))
        {
            meta.Add(new XElement(To, to));
        }
        meta.Add(new XElement(Thread, thread));
        return new XElement(Message, meta, payload.Parent is null ? payload : new XElement(payload));
    }

    /// <summary>UTF-8 text with an XML declaration, as xml-pipeline writes on egress.</summary>
    public static string Serialize(XElement envelope) =>
        new XDocument(new XDeclaration("1.0", "utf-8", null), envelope).Declaration + envelope.ToString(SaveOptions.DisableFormatting);

    /// <summary>Parses and checks an envelope; on failure returns null and a message naming the problem.</summary>
    public static EnvelopeParts? Parse(XElement root, out string? error)
    {
        error = null;
        if (root.Name != Message)
        {
            error = $"envelope root must be <message xmlns=\"{NamespaceUri}\">, found <{root.Name.LocalName}>";
            return null;
        }
        var children = root.Elements().ToList();
        if (children.Count == 0 || children[0].Name != Meta)
        {
            error = "envelope must start with <meta>";
            return null;
        }
        var meta = children[0];
        var metaChildren = meta.Elements().ToList();
        var i = 0;
        string? from = null, to = null, thread = null;
        if (i < metaChildren.Count && metaChildren[i].Name == From)
        {
            from = metaChildren[i++].Value;
        }
        if (i < metaChildren.Count && metaChildren[i].Name == To)
        {
            to = metaChildren[i++].Value;
        }
        if (i < metaChildren.Count && metaChildren[i].Name == Thread)
        {
            thread = metaChildren[i++].Value;
        }
        for (; i < metaChildren.Count; i++)
        {
            if (metaChildren[i].Name.Namespace == Namespace)
            {
                error = $"unexpected <{metaChildren[i].Name.LocalName}> in <meta>; order is from, to, thread";
                return null;
            }
        }
        if (from is null)
        {
            error = "envelope <meta> is missing <from>";
            return null;
        }
        if (thread is null)
        {
            error = "envelope <meta> is missing <thread>";
            return null;
        }
        if (children.Count != 2)
        {
            error = children.Count == 1 ? "envelope holds no payload" : $"envelope holds {children.Count - 1} payloads; exactly one is allowed";
            return null;
        }
        var payload = children[1];
        if (payload.Name.NamespaceName.Length != 0)
        {
            error = $"payload <{payload.Name.LocalName}> must be in no namespace";
            return null;
        }
        if (root.Nodes().OfType<XText>().Any(t => !string.IsNullOrWhiteSpace(t.Value)))
        {
            error = "envelope holds text outside <meta> and the payload";
            return null;
        }
        return new EnvelopeParts(from, string.IsNullOrEmpty(to) ? null : to, thread, payload);
    }

    public static bool IsEnvelope(XElement root) => root.Name == Message;

    /// <summary>True for canonical lowercase UUIDv4 text (xml-pipeline §9.5).</summary>
    public static bool IsCanonicalThreadId(string s)
    {
        if (s.Length != 36 || !Guid.TryParseExact(s, "D", out var g))
        {
            return false;
        }
        return s[14] == '4' && s[19] is '8' or '9' or 'a' or 'b' && s == g.ToString("D");
    }

    internal static bool TryParseStrict(string xml, out XElement? element, out string? error) =>
        TryParseStrict(xml, XmlLimits.DefaultMaxDepth, out element, out error, out _);

    /// <summary>
    /// Well-formed XML only. Nesting deeper than <paramref name="maxDepth"/> is refused before parsing
    /// (<paramref name="tooDeep"/>), which keeps the cost linear in the size of the text.
    /// </summary>
    internal static bool TryParseStrict(string xml, int maxDepth, out XElement? element, out string? error, out bool tooDeep)
    {
        tooDeep = XmlLimits.ExceedsDepth(xml, maxDepth);
        if (tooDeep)
        {
            element = null;
            error = $"the XML is nested deeper than {maxDepth} levels";
            return false;
        }
        if (FastXml.TryParseSimple(xml, out element))
        {
            error = null;
            return true;
        }
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            element = XElement.Load(reader);
            error = null;
            return true;
        }
        catch (XmlException ex)
        {
            element = null;
            error = ex.Message;
            return false;
        }
    }
}

/// <summary>The parts of a parsed envelope.</summary>
public sealed record EnvelopeParts(string From, string? To, string Thread, XElement Payload);
