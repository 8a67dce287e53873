using System.Xml.Linq;

namespace Nextra.Pump.Messages;

/// <summary>Start tags and attributes, recovered leniently.</summary>
internal sealed partial class RepairScanner
{
    private const int MaxAttributes = 256;

    private (XElement Element, bool SelfClosed) StartTag()
    {
        var i = _pos + 1;
        var nameStart = i;
        while (i < src.Length && XmlRepair.IsNameChar(src[i]))
        {
            i++;
        }
        var element = new XElement(SafeName(LocalName(src[nameStart..i])));
        var attributes = 0;
        while (true)
        {
            while (i < src.Length && char.IsWhiteSpace(src[i]))
            {
                i++;
            }
            if (i >= src.Length || src[i] == '<')
            {
                Note($"completed the start tag <{element.Name.LocalName}>");
                _pos = i;
                return (element, false);
            }
            if (src[i] == '>')
            {
                _pos = i + 1;
                return (element, false);
            }
            if (src[i] == '/' && i + 1 < src.Length && src[i + 1] == '>')
            {
                _pos = i + 2;
                return (element, true);
            }
            var attrStart = i;
            while (i < src.Length && !char.IsWhiteSpace(src[i]) && src[i] is not ('=' or '>' or '<' or '/'))
            {
                i++;
            }
            var attrName = src[attrStart..i];
            if (attrName.Length == 0)
            {
                i++; // a lone '/' or similar: skip it
                continue;
            }
            string? value = null;
            var j = i;
            while (j < src.Length && char.IsWhiteSpace(src[j]))
            {
                j++;
            }
            if (j < src.Length && src[j] == '=')
            {
                j++;
                while (j < src.Length && char.IsWhiteSpace(src[j]))
                {
                    j++;
                }
                if (j < src.Length && src[j] is '"' or '\'')
                {
                    var quote = src[j];
                    var end = src.IndexOf(quote, j + 1);
                    if (end < 0)
                    {
                        Note($"closed the quote of attribute {attrName}");
                        end = src.IndexOfAny(['>', '<'], j + 1);
                        end = end < 0 ? src.Length : end;
                        value = src[(j + 1)..end];
                        i = end;
                    }
                    else
                    {
                        value = src[(j + 1)..end];
                        i = end + 1;
                    }
                }
                else
                {
                    var vs = j;
                    while (j < src.Length && !char.IsWhiteSpace(src[j]) && src[j] is not ('>' or '<'))
                    {
                        j++;
                    }
                    value = src[vs..j];
                    i = j;
                    Note($"quoted the value of attribute {attrName}");
                }
            }
            else
            {
                Note($"dropped attribute {attrName} without a value");
                continue;
            }
            if (++attributes > MaxAttributes)
            {
                // Adding an attribute walks the ones already there; thousands of them would take quadratic time.
                Note($"dropped attributes past the first {MaxAttributes} of <{element.Name.LocalName}>");
                continue;
            }
            AddAttribute(element, attrName, Decode(value));
        }
    }

    private void AddAttribute(XElement element, string name, string value)
    {
        if (name == "xmlns" || name.StartsWith("xmlns:", StringComparison.Ordinal))
        {
            return; // payloads live in no namespace; prefixes are dropped below
        }
        var local = LocalName(name);
        if (local == "xmlns")
        {
            return;
        }
        if (local.Length == 0 || !XmlRepair.IsNameStart(local[0]))
        {
            Note($"dropped attribute with invalid name '{name}'");
            return;
        }
        var xname = SafeName(local);
        if (element.Attribute(xname) is not null)
        {
            Note($"dropped duplicate attribute {local}");
            return;
        }
        element.SetAttributeValue(xname, XmlRepair.CleanText(value, repairs));
    }
}
