using System.Text;
using System.Xml.Linq;

namespace Nextra.Pump.Messages;

/// <summary>
/// Fast paths for the common payload shape (no-namespace elements, plain attributes, text): serialise
/// without an XmlWriter and parse without an XmlReader, which each allocate ~10 KB of buffers per call.
/// Anything outside that subset falls back to System.Xml, so results are identical.
/// </summary>
public static class FastXml
{
    [ThreadStatic]
    private static StringBuilder? t_builder;

    /// <summary>Same text as <c>element.ToString(SaveOptions.DisableFormatting)</c>.</summary>
    public static string Serialize(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var sb = t_builder ?? new StringBuilder(256);
        t_builder = null;
        sb.Clear();
        try
        {
            return Write(sb, element, 0) ? sb.ToString() : element.ToString(SaveOptions.DisableFormatting);
        }
        finally
        {
            if (sb.Capacity <= 64 * 1024)
            {
                t_builder = sb;
            }
        }
    }

    private static bool Write(StringBuilder sb, XElement e, int depth)
    {
        if (e.Name.NamespaceName.Length != 0 || depth > 256)
        {
            return false;
        }
        var name = e.Name.LocalName;
        sb.Append('<').Append(name);
        for (var a = e.FirstAttribute; a is not null; a = a.NextAttribute)
        {
            if (a.IsNamespaceDeclaration || a.Name.NamespaceName.Length != 0)
            {
                return false;
            }
            sb.Append(' ').Append(a.Name.LocalName).Append("=\"");
            Escape(sb, a.Value, attribute: true);
            sb.Append('"');
        }
        if (e.IsEmpty)
        {
            sb.Append(" />");
            return true;
        }
        sb.Append('>');
        for (var n = e.FirstNode; n is not null; n = n.NextNode)
        {
            switch (n)
            {
                case XElement child:
                    if (!Write(sb, child, depth + 1))
                    {
                        return false;
                    }
                    break;
                case XCData:
                    return false;
                case XText text:
                    Escape(sb, text.Value, attribute: false);
                    break;
                default:
                    return false; // comments, processing instructions: let XmlWriter render them
            }
        }
        sb.Append("</").Append(name).Append('>');
        return true;
    }

    private static void Escape(StringBuilder sb, string s, bool attribute)
    {
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var rep = s[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' when attribute => "&quot;",
                '\t' when attribute => "&#x9;",
                '\n' when attribute => "&#xA;",
                '\r' => "&#xD;",
                _ => null,
            };
            if (rep is null)
            {
                continue;
            }
            sb.Append(s, start, i - start).Append(rep);
            start = i + 1;
        }
        sb.Append(s, start, s.Length - start);
    }

    /// <summary>
    /// Parses well-formed XML of the simple subset (no namespaces, CDATA, comments, DTD, declaration or
    /// carriage returns); returns false on anything else, and the caller uses XmlReader.
    /// Whitespace-only text is dropped, as <c>XElement.Parse</c> does by default.
    /// </summary>
    public static bool TryParseSimple(string text, out XElement? element)
    {
        element = null;
        var p = new SimpleParser(text);
        return p.Parse(out element);
    }
}
