using System.Xml;
using System.Xml.Linq;

namespace Nextra.Pump.Messages;

/// <summary>Strict parser of the simple XML subset behind <see cref="FastXml.TryParseSimple"/>; bails out rather than guess.</summary>
internal ref struct SimpleParser(string src)
{
    private const int MaxAttributes = 32;
    private int _pos;

    public bool Parse(out XElement? root)
    {
        root = null;
        SkipSpace();
        if (_pos >= src.Length || src[_pos] != '<')
        {
            return false;
        }
        _pos++;
        if (!Element(0, out root))
        {
            return false;
        }
        SkipSpace();
        return _pos == src.Length;
    }

    private bool Element(int depth, out XElement? element)
    {
        element = null;
        if (depth > 128 || !Name(out var name) )
        {
            return false;
        }
        element = new XElement(name);
        var attributes = 0;
        while (true)
        {
            var hadSpace = SkipSpace();
            if (_pos >= src.Length)
            {
                return false;
            }
            var c = src[_pos];
            if (c == '/')
            {
                if (_pos + 1 >= src.Length || src[_pos + 1] != '>')
                {
                    return false;
                }
                _pos += 2;
                return true;
            }
            if (c == '>')
            {
                _pos++;
                break;
            }
            // The duplicate check below walks the element's attributes: past a few, XmlReader (hashed) does it.
            if (!hadSpace || ++attributes > MaxAttributes || !Name(out var attrName) || attrName.StartsWith("xmlns", StringComparison.Ordinal))
            {
                return false;
            }
            SkipSpace();
            if (_pos >= src.Length || src[_pos] != '=')
            {
                return false;
            }
            _pos++;
            SkipSpace();
            if (_pos >= src.Length || src[_pos] is not ('"' or '\''))
            {
                return false;
            }
            var quote = src[_pos++];
            var end = src.IndexOf(quote, _pos);
            if (end < 0 || !Text(src.AsSpan(_pos, end - _pos), attribute: true, out var value) || element.Attribute(attrName) is not null)
            {
                return false;
            }
            element.Add(new XAttribute(attrName, value));
            _pos = end + 1;
        }
        // Content.
        while (true)
        {
            var lt = src.IndexOf('<', _pos);
            if (lt < 0)
            {
                return false;
            }
            if (lt > _pos)
            {
                var span = src.AsSpan(_pos, lt - _pos);
                if (!span.IsWhiteSpace())
                {
                    if (!Text(span, attribute: false, out var t))
                    {
                        return false;
                    }
                    element.Add(t);
                }
            }
            _pos = lt + 1;
            if (_pos >= src.Length)
            {
                return false;
            }
            if (src[_pos] == '/')
            {
                _pos++;
                if (!Name(out var endName) || endName != element.Name.LocalName)
                {
                    return false;
                }
                SkipSpace();
                if (_pos >= src.Length || src[_pos] != '>')
                {
                    return false;
                }
                _pos++;
                if (element.IsEmpty)
                {
                    element.Value = string.Empty; // <a></a> stays a start/end pair, as XElement.Parse keeps it
                }
                return true;
            }
            if (!Element(depth + 1, out var child))
            {
                return false;
            }
            element.Add(child);
        }
    }

    private bool Name(out string name)
    {
        var start = _pos;
        if (_pos < src.Length && (char.IsAsciiLetter(src[_pos]) || src[_pos] == '_'))
        {
            _pos++;
            while (_pos < src.Length && (char.IsAsciiLetterOrDigit(src[_pos]) || src[_pos] is '_' or '-' or '.'))
            {
                _pos++;
            }
        }
        name = src[start.._pos];
        return name.Length > 0;
    }

    private bool SkipSpace()
    {
        var start = _pos;
        while (_pos < src.Length && src[_pos] is ' ' or '\t' or '\n')
        {
            _pos++;
        }
        return _pos > start;
    }

    private static bool Text(ReadOnlySpan<char> raw, bool attribute, out string text)
    {
        text = "";
        if (raw.IndexOfAny('\r', '<') >= 0 || (attribute && raw.IndexOfAny('\t', '\n') >= 0) || (!attribute && raw.IndexOf("]]>") >= 0))
        {
            return false;
        }
        foreach (var ch in raw)
        {
            if (!XmlConvert.IsXmlChar(ch))
            {
                return false; // surrogates and control characters: leave to XmlReader
            }
        }
        if (raw.IndexOf('&') < 0)
        {
            text = raw.ToString();
            return true;
        }
        var sb = new System.Text.StringBuilder(raw.Length);
        var i = 0;
        while (i < raw.Length)
        {
            var c = raw[i];
            if (c != '&')
            {
                sb.Append(c);
                i++;
                continue;
            }
            var semi = raw[i..].IndexOf(';');
            if (semi < 0)
            {
                return false;
            }
            var entity = raw.Slice(i + 1, semi - 1);
            switch (entity)
            {
                case "amp": sb.Append('&'); break;
                case "lt": sb.Append('<'); break;
                case "gt": sb.Append('>'); break;
                case "quot": sb.Append('"'); break;
                case "apos": sb.Append('\''); break;
                default: return false; // numeric references: leave to XmlReader
            }
            i += semi + 1;
        }
        text = sb.ToString();
        return true;
    }
}
