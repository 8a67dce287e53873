using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Nextra.Pump.Messages;

/// <summary>
/// Lenient XML recovery (xml-pipeline's "repair" and "dummy wrapping"): finds every element in dirty
/// text (LLM output, hand-typed injections), fixing what can be fixed and saying what was fixed.
/// Never throws and never resolves entities or DTDs.
/// </summary>
public static class XmlRepair
{
    /// <summary>
    /// Recovers every top-level element of <paramref name="text"/> in order. <c>repairs</c> lists each fix
    /// (unclosed tags closed, stray <c>&amp;</c>/<c>&lt;</c> escaped, stray end tags dropped, code fences
    /// removed…); <c>textOutside</c> is the text between the elements, trimmed.
    /// </summary>
    public static (IReadOnlyList<XElement> Payloads, IReadOnlyList<string> Repairs, string TextOutside) ExtractPayloads(string text)
    {
        var repairs = new List<string>();
        var payloads = new List<XElement>();
        var outside = new StringBuilder();
        if (string.IsNullOrEmpty(text))
        {
            return (payloads, repairs, "");
        }
        var src = StripFences(text, repairs);
        var scanner = new RepairScanner(src, repairs);
        while (!scanner.AtEnd)
        {
            var start = scanner.NextElementStart();
            outside.Append(src, scanner.OutsideFrom, start - scanner.OutsideFrom);
            if (start >= src.Length)
            {
                break;
            }
            var element = scanner.ReadElement(start);
            if (element is not null)
            {
                payloads.Add(element);
                outside.Append(' ');
            }
        }
        return (payloads, repairs, CollapseSpace(outside.ToString()));
    }

    /// <summary>Recovers exactly one element: the first one found (null when there is none); extra roots and text are reported as repairs.</summary>
    public static (XElement? Element, IReadOnlyList<string> Repairs) RepairSingle(string text)
    {
        var (payloads, repairs, outside) = ExtractPayloads(text);
        var list = repairs.ToList();
        if (payloads.Count > 1)
        {
            list.Add($"kept the first of {payloads.Count} root elements");
        }
        if (outside.Length > 0 && payloads.Count > 0)
        {
            list.Add("dropped text outside the root element");
        }
        return (payloads.Count > 0 ? payloads[0] : null, list);
    }

    private static string StripFences(string text, List<string> repairs)
    {
        if (!text.Contains("```", StringComparison.Ordinal))
        {
            return text;
        }
        var sb = new StringBuilder(text.Length);
        foreach (var line in text.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                if (repairs.Count == 0 || repairs[^1] != "removed markdown code fences")
                {
                    repairs.Add("removed markdown code fences");
                }
                continue;
            }
            sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    private static string CollapseSpace(string s)
    {
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }
            if (space)
            {
                sb.Append(' ');
                space = false;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    internal static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';

    internal static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or ':';

    internal static string CleanText(string s, List<string> repairs)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            var ok = XmlConvert.IsXmlChar(c) || (char.IsHighSurrogate(c) && i + 1 < s.Length && XmlConvert.IsXmlSurrogatePair(s[i + 1], c));
            if (!ok)
            {
                if (sb is null)
                {
                    sb = new StringBuilder(s.Length);
                    sb.Append(s, 0, i);
                    repairs.Add("removed characters XML does not allow");
                }
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < s.Length)
            {
                sb?.Append(c).Append(s[i + 1]);
                i++;
                continue;
            }
            sb?.Append(c);
        }
        return sb?.ToString() ?? s;
    }
}
