using System.Text;
using System.Xml.Linq;

namespace Nextra.Pump.Messages;

/// <summary>
/// Exclusive canonical XML (comments dropped) of an element: attributes sorted, namespace declarations
/// emitted only where a visibly used prefix first needs them, empty elements as start/end pairs,
/// C14N escaping. Computed on demand (trace, signing), never per hop.
/// </summary>
public static class XmlCanonicalizer
{
    public static string Canonicalize(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var sb = new StringBuilder();
        Write(sb, element, new Dictionary<string, string>(StringComparer.Ordinal));
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, XElement e, Dictionary<string, string> rendered)
    {
        var prefix = e.GetPrefixOfNamespace(e.Name.Namespace) ?? "";
        if (e.Name.Namespace == XNamespace.None)
        {
            prefix = "";
        }
        var qname = prefix.Length == 0 ? e.Name.LocalName : prefix + ":" + e.Name.LocalName;
        var scope = new Dictionary<string, string>(rendered, StringComparer.Ordinal);
        var decls = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Need(prefix, e.Name.NamespaceName, scope, decls);
        var attrs = new List<(string Ns, string Local, string QName, string Value)>();
        foreach (var a in e.Attributes())
        {
            if (a.IsNamespaceDeclaration)
            {
                continue;
            }
            var ans = a.Name.NamespaceName;
            var ap = ans.Length == 0 ? "" : e.GetPrefixOfNamespace(a.Name.Namespace) ?? "ns";
            if (ans.Length != 0)
            {
                Need(ap, ans, scope, decls);
            }
            attrs.Add((ans, a.Name.LocalName, ap.Length == 0 ? a.Name.LocalName : ap + ":" + a.Name.LocalName, a.Value));
        }
        sb.Append('<').Append(qname);
        foreach (var (p, ns) in decls)
        {
            sb.Append(p.Length == 0 ? " xmlns" : " xmlns:" + p).Append("=\"");
            Escape(sb, ns, attribute: true);
            sb.Append('"');
        }
        foreach (var a in attrs.OrderBy(a => a.Ns, StringComparer.Ordinal).ThenBy(a => a.Local, StringComparer.Ordinal))
        {
            sb.Append(' ').Append(a.QName).Append("=\"");
            Escape(sb, a.Value, attribute: true);
            sb.Append('"');
        }
        sb.Append('>');
        foreach (var n in e.Nodes())
        {
            switch (n)
            {
                case XElement child:
                    Write(sb, child, scope);
                    break;
                case XCData cdata:
                    Escape(sb, cdata.Value, attribute: false);
                    break;
                case XText text:
                    Escape(sb, text.Value, attribute: false);
                    break;
                case XProcessingInstruction pi:
                    sb.Append("<?").Append(pi.Target);
                    if (pi.Data.Length > 0)
                    {
                        sb.Append(' ').Append(pi.Data);
                    }
                    sb.Append("?>");
                    break;
            }
        }
        sb.Append("</").Append(qname).Append('>');
    }

    private static void Need(string prefix, string ns, Dictionary<string, string> scope, SortedDictionary<string, string> decls)
    {
        var current = scope.GetValueOrDefault(prefix, "");
        if (current != ns)
        {
            scope[prefix] = ns;
            decls[prefix] = ns;
        }
    }

    private static void Escape(StringBuilder sb, string s, bool attribute)
    {
        foreach (var c in s)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>' when !attribute: sb.Append("&gt;"); break;
                case '"' when attribute: sb.Append("&quot;"); break;
                case '\t' when attribute: sb.Append("&#x9;"); break;
                case '\n' when attribute: sb.Append("&#xA;"); break;
                case '\r': sb.Append("&#xD;"); break;
                default: sb.Append(c); break;
            }
        }
    }
}
