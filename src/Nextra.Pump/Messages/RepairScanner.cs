using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Nextra.Pump.Messages;

/// <summary>The tolerant tokenizer behind <see cref="XmlRepair"/>: a stack of open elements with recovery rules.</summary>
internal sealed partial class RepairScanner(string src, List<string> repairs)
{
    // Past this, start tags become text: the tree (and everything that later walks it) stays shallow.
    private const int MaxDepth = XmlLimits.DefaultMaxDepth;
    private bool _flattened;
    private int _pos;

    public bool AtEnd => _pos >= src.Length;
    public int OutsideFrom { get; private set; }

    /// <summary>Index of the next '&lt;' that starts an element (skipping declarations and comments), or the end.</summary>
    public int NextElementStart()
    {
        OutsideFrom = _pos;
        while (_pos < src.Length)
        {
            var i = src.IndexOf('<', _pos);
            if (i < 0 || i + 1 >= src.Length)
            {
                _pos = src.Length;
                return src.Length;
            }
            if (XmlRepair.IsNameStart(src[i + 1]))
            {
                _pos = i;
                return i;
            }
            _pos = i + 1;
        }
        return src.Length;
    }

    public XElement? ReadElement(int start)
    {
        _pos = start;
        var stack = new Stack<XElement>();
        XElement? root = null;
        while (_pos < src.Length)
        {
            var c = src[_pos];
            if (c == '<')
            {
                if (_pos + 1 < src.Length && src[_pos + 1] == '/')
                {
                    if (CloseTag(stack))
                    {
                        return root;
                    }
                    continue;
                }
                if (StartsWith("<!--"))
                {
                    var end = src.IndexOf("-->", _pos + 4, StringComparison.Ordinal);
                    _pos = end < 0 ? src.Length : end + 3;
                    continue;
                }
                if (StartsWith("<![CDATA["))
                {
                    var end = src.IndexOf("]]>", _pos + 9, StringComparison.Ordinal);
                    var data = end < 0 ? src[(_pos + 9)..] : src[(_pos + 9)..end];
                    if (end < 0)
                    {
                        Note("closed an unterminated CDATA section");
                    }
                    stack.Peek().Add(new XText(XmlRepair.CleanText(data, repairs)));
                    _pos = end < 0 ? src.Length : end + 3;
                    continue;
                }
                if (StartsWith("<?") || StartsWith("<!"))
                {
                    var end = src.IndexOf('>', _pos);
                    _pos = end < 0 ? src.Length : end + 1;
                    Note("dropped a declaration inside an element");
                    continue;
                }
                if (_pos + 1 < src.Length && XmlRepair.IsNameStart(src[_pos + 1]))
                {
                    if (stack.Count >= MaxDepth)
                    {
                        if (!_flattened)
                        {
                            Note($"flattened elements nested deeper than {MaxDepth}");
                            _flattened = true;
                        }
                        AppendText(stack.Peek(), "<");
                        _pos++;
                        continue;
                    }
                    var (element, selfClosed) = StartTag();
                    if (stack.Count > 0)
                    {
                        stack.Peek().Add(element);
                    }
                    else
                    {
                        root = element;
                    }
                    if (!selfClosed)
                    {
                        stack.Push(element);
                    }
                    else if (stack.Count == 0)
                    {
                        return root;
                    }
                    continue;
                }
                Note("escaped a stray '<'");
                AppendText(stack.Peek(), "<");
                _pos++;
                continue;
            }
            var next = src.IndexOf('<', _pos);
            var chunk = next < 0 ? src[_pos..] : src[_pos..next];
            AppendText(stack.Peek(), Decode(chunk));
            _pos = next < 0 ? src.Length : next;
        }
        foreach (var open in stack)
        {
            Note($"closed unclosed <{open.Name.LocalName}> at the end");
        }
        return root;
    }

    /// <summary>Records a fix, once per run of the same fix (a long stretch of garbage is one note, not thousands).</summary>
    private void Note(string repair)
    {
        if (repairs.Count == 0 || repairs[^1] != repair)
        {
            repairs.Add(repair);
        }
    }

    private bool StartsWith(string s) => string.CompareOrdinal(src, _pos, s, 0, s.Length) == 0;

    private static void AppendText(XElement parent, string text)
    {
        if (text.Length > 0)
        {
            parent.Add(new XText(text));
        }
    }

    /// <summary>Handles an end tag; returns true when it closed the root.</summary>
    private bool CloseTag(Stack<XElement> stack)
    {
        var i = _pos + 2;
        var nameStart = i;
        while (i < src.Length && XmlRepair.IsNameChar(src[i]))
        {
            i++;
        }
        var name = LocalName(src[nameStart..i]);
        var gt = src.IndexOf('>', i);
        var lt = src.IndexOf('<', i);
        if (gt < 0 || (lt >= 0 && lt < gt))
        {
            Note($"completed the end tag </{name}>");
            _pos = lt >= 0 ? lt : src.Length;
        }
        else
        {
            _pos = gt + 1;
        }
        if (!stack.Any(e => e.Name.LocalName == name))
        {
            Note(name.Length == 0 ? "dropped an empty end tag" : $"dropped stray </{name}>");
            return false;
        }
        while (stack.Count > 0)
        {
            var top = stack.Pop();
            if (top.Name.LocalName == name)
            {
                break;
            }
            Note($"closed unclosed <{top.Name.LocalName}> before </{name}>");
        }
        return stack.Count == 0;
    }

    private string LocalName(string qname)
    {
        var colon = qname.LastIndexOf(':');
        if (colon < 0)
        {
            return qname;
        }
        Note($"dropped the namespace prefix of {qname}");
        return qname[(colon + 1)..];
    }

    private XName SafeName(string name)
    {
        try
        {
            return XName.Get(XmlConvert.VerifyNCName(name));
        }
        catch (Exception ex) when (ex is XmlException or ArgumentException)
        {
            var encoded = XmlConvert.EncodeLocalName(name.Length == 0 ? "_" : name);
            Note($"renamed invalid element or attribute name '{name}' to '{encoded}'");
            return XName.Get(encoded!);
        }
    }

    private string Decode(string text)
    {
        if (!text.Contains('&'))
        {
            return XmlRepair.CleanText(text, repairs);
        }
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '&')
            {
                sb.Append(text[i]);
                continue;
            }
            var semi = text.IndexOf(';', i + 1);
            var entity = semi > i && semi - i <= 12 ? text[(i + 1)..semi] : null;
            var decoded = entity switch
            {
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                "apos" => "'",
                not null when entity.StartsWith("#x", StringComparison.OrdinalIgnoreCase) && int.TryParse(entity.AsSpan(2), System.Globalization.NumberStyles.HexNumber, null, out var hx) && IsChar(hx) => char.ConvertFromUtf32(hx),
                not null when entity.StartsWith('#') && int.TryParse(entity.AsSpan(1), out var dc) && IsChar(dc) => char.ConvertFromUtf32(dc),
                _ => null,
            };
            if (decoded is null)
            {
                Note("escaped a stray '&'");
                sb.Append('&');
                continue;
            }
            sb.Append(decoded);
            i = semi;
        }
        return XmlRepair.CleanText(sb.ToString(), repairs);
    }

    private static bool IsChar(int cp) => cp is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);
}
