using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Nextra.Pump.Handlers.Llm;

/// <summary>
/// A small lenient payload reader: finds top-level <c>&lt;Class …&gt;…&lt;/Class&gt;</c> elements in free text,
/// repairs bare ampersands and stray '&lt;', and returns what is left as text (code fences removed).
/// </summary>
public static partial class DefaultExtractor
{
    public static PayloadExtraction Extract(string text)
    {
        var payloads = new List<XElement>();
        var repairs = new List<string>();
        var outside = new StringBuilder();
        var pos = 0;
        foreach (Match open in OpenTag().Matches(text))
        {
            if (open.Index < pos)
                continue;
            var name = open.Groups["name"].Value;
            var end = open.Value.EndsWith("/>", StringComparison.Ordinal) ? open.Index + open.Length : FindClose(text, name, open.Index + open.Length);
            if (end < 0)
                continue;
            var segment = text[open.Index..end];
            var element = TryParse(segment, repairs);
            if (element is null)
                continue;
            outside.Append(text, pos, open.Index - pos);
            payloads.Add(element);
            pos = end;
        }
        outside.Append(text, pos, text.Length - pos);
        var rest = Fence().Replace(outside.ToString(), "");
        return new PayloadExtraction(payloads, repairs, rest.Trim());
    }

    private static int FindClose(string text, string name, int from)
    {
        var depth = 1;
        var tags = new Regex($@"<(/?){Regex.Escape(name)}(\s[^<>]*?)?(/?)>", RegexOptions.CultureInvariant);
        for (var m = tags.Match(text, from); m.Success; m = m.NextMatch())
        {
            if (m.Groups[3].Value == "/")
                continue;
            depth += m.Groups[1].Value == "/" ? -1 : 1;
            if (depth == 0)
                return m.Index + m.Length;
        }
        return -1;
    }

    private static XElement? TryParse(string segment, List<string> repairs)
    {
        try
        {
            return XElement.Parse(segment);
        }
        catch (XmlException first)
        {
            var fixedText = BareAmpersand().Replace(segment, "&amp;");
            fixedText = StrayLessThan().Replace(fixedText, "&lt;");
            try
            {
                var element = XElement.Parse(fixedText);
                repairs.Add($"<{element.Name.LocalName}>: {first.Message}");
                return element;
            }
            catch (XmlException)
            {
                return null;
            }
        }
    }

    [GeneratedRegex(@"<(?<name>[A-Za-z_][\w.\-]*)(\s[^<>]*?)?/?>", RegexOptions.CultureInvariant)]
    private static partial Regex OpenTag();

    [GeneratedRegex(@"&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)", RegexOptions.CultureInvariant)]
    private static partial Regex BareAmpersand();

    [GeneratedRegex(@"<(?=[\s\d=<])", RegexOptions.CultureInvariant)]
    private static partial Regex StrayLessThan();

    [GeneratedRegex(@"```[a-zA-Z]*", RegexOptions.CultureInvariant)]
    private static partial Regex Fence();
}
