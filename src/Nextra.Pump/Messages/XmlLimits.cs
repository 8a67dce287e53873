namespace Nextra.Pump.Messages;

/// <summary>
/// The nesting limit on XML that comes from outside (webhook and inject bodies, XML fields in JSON). System.Xml
/// takes time quadratic in the nesting depth (a 1 MB body of 149,000 nested elements took 36 s), so depth is
/// measured first, by one linear scan, and deeper text is refused before any parser sees it.
/// </summary>
public static class XmlLimits
{
    /// <summary>Default for <c>[triggers] max_xml_depth</c>; the YAML loader's nesting limit is the same.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>
    /// True when the element nesting of <paramref name="xml"/> goes deeper than <paramref name="maxDepth"/>.
    /// Exact for well-formed XML (comments, CDATA, processing instructions and quoted attribute values are
    /// skipped); on malformed text it never counts less than a parser would reach before failing.
    /// </summary>
    public static bool ExceedsDepth(ReadOnlySpan<char> xml, int maxDepth) => Depth(xml, maxDepth) > maxDepth;

    /// <summary>The deepest element nesting, counted up to <paramref name="stopAbove"/> + 1 (the scan stops there).</summary>
    public static int Depth(ReadOnlySpan<char> xml, int stopAbove = int.MaxValue - 1)
    {
        int depth = 0, max = 0, i = 0;
        while (true)
        {
            var lt = xml[i..].IndexOf('<');
            if (lt < 0)
                return max;
            i += lt + 1;
            if (i >= xml.Length)
                return max;
            var rest = xml[i..];
            if (rest.StartsWith("!--"))
                i = SkipPast(xml, i + 3, "-->");
            else if (rest.StartsWith("![CDATA["))
                i = SkipPast(xml, i + 8, "]]>");
            else if (rest[0] is '?' or '!')
                i = SkipPast(xml, i + 1, rest[0] == '?' ? "?>" : ">");
            else if (rest[0] == '/')
            {
                depth = Math.Max(0, depth - 1);
                i = SkipPast(xml, i + 1, ">");
            }
            else
            {
                i = SkipTag(xml, i, out var selfClosing);
                var level = depth + 1;
                if (!selfClosing)
                    depth = level;
                if (level > max)
                {
                    max = level;
                    if (max > stopAbove)
                        return max;
                }
            }
            if (i >= xml.Length)
                return max;
        }
    }

    private static int SkipPast(ReadOnlySpan<char> xml, int from, string end)
    {
        var at = xml[from..].IndexOf(end);
        return at < 0 ? xml.Length : from + at + end.Length;
    }

    /// <summary>Moves past a start tag's '>' (quoted attribute values may hold '>'); reports "/>".</summary>
    private static int SkipTag(ReadOnlySpan<char> xml, int i, out bool selfClosing)
    {
        selfClosing = false;
        while (i < xml.Length)
        {
            var c = xml[i];
            if (c is '"' or '\'')
            {
                var close = xml[(i + 1)..].IndexOf(c);
                if (close < 0)
                    return xml.Length;
                i += close + 2;
                continue;
            }
            if (c == '>')
            {
                selfClosing = xml[i - 1] == '/';
                return i + 1;
            }
            if (c == '<')
                return i; // a new tag before this one closed: malformed; count what follows on its own
            i++;
        }
        return xml.Length;
    }
}
