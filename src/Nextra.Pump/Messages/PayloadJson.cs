using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace Nextra.Pump.Messages;

/// <summary>The JSON ⇄ payload mapping: numbers as numbers, bools as bools, lists as arrays, keys matched loosely.</summary>
internal static class PayloadJson
{
    public static JsonObject ToJson(XElement element, FieldSpec[] fields)
    {
        var obj = new JsonObject();
        foreach (var f in fields)
        {
            var child = element.Element(f.XName);
            if (child is null)
            {
                if (f.Default is not null)
                {
                    obj[f.Name] = f.Default.DeepClone();
                }
                else if (f.Kind == FieldKind.List)
                {
                    obj[f.Name] = new JsonArray();
                }
                continue;
            }
            obj[f.Name] = ValueToJson(child, f);
        }
        return obj;
    }

    private static JsonNode? ValueToJson(XElement e, FieldSpec f)
    {
        switch (f.Kind)
        {
            case FieldKind.Object:
                return ToJson(e, f.Fields);
            case FieldKind.List:
                return new JsonArray(e.Elements(FieldSpec.ItemName).Select(i => ValueToJson(i, f.Of!)).ToArray());
            case FieldKind.Xml:
                return JsonValue.Create(InnerXml(e));
        }
        var text = e.Value;
        var t = text.Trim();
        return f.Kind switch
        {
            FieldKind.Int when long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            FieldKind.Float when double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => JsonValue.Create(d),
            FieldKind.Bool => JsonValue.Create(t is "true" or "1"),
            FieldKind.DateTime => JsonValue.Create(t),
            _ => JsonValue.Create(text),
        };
    }

    internal static string InnerXml(XElement e)
    {
        if (!e.HasElements)
        {
            return e.Value;
        }
        var sb = new StringBuilder();
        foreach (var n in e.Nodes())
        {
            sb.Append(n.ToString(SaveOptions.DisableFormatting));
        }
        return sb.ToString();
    }

    public static XElement FromJson(XName name, FieldSpec[] fields, JsonObject json, string path, int maxXmlDepth = XmlLimits.DefaultMaxDepth)
    {
        var element = new XElement(name);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in fields)
        {
            var key = FindKey(json, f);
            var value = key is null ? null : json[key];
            if (key is not null)
            {
                used.Add(key);
            }
            if (value is null)
            {
                if (f.Default is not null)
                {
                    value = f.Default;
                }
                else if (f.Kind == FieldKind.List)
                {
                    element.Add(new XElement(f.XName));
                    continue;
                }
                else if (f.Optional)
                {
                    continue;
                }
                else
                {
                    throw new PayloadMappingException("missing_field", $"{path}: missing '{f.Name}'");
                }
            }
            element.Add(ValueFromJson(f.XName, f, value, path + "." + f.Name, maxXmlDepth));
        }
        foreach (var (key, _) in json)
        {
            if (!used.Contains(key))
            {
                throw new PayloadMappingException("unknown_field", $"{path}: '{key}' is not a field of {path} (fields: {string.Join(", ", fields.Select(x => x.Name))})");
            }
        }
        return element;
    }

    private static string? FindKey(JsonObject json, FieldSpec f)
    {
        if (json.ContainsKey(f.Name))
        {
            return f.Name;
        }
        string? loose = null;
        foreach (var (key, _) in json)
        {
            if (string.Equals(key, f.Name, StringComparison.OrdinalIgnoreCase))
            {
                return key;
            }
            if (loose is null && FieldSpec.Loose(key) == f.LooseName)
            {
                loose = key;
            }
        }
        return loose;
    }

    private static XElement ValueFromJson(XName name, FieldSpec f, JsonNode value, string path, int maxXmlDepth)
    {
        switch (f.Kind)
        {
            case FieldKind.Object:
                return value is JsonObject o
                    ? FromJson(name, f.Fields, o, path, maxXmlDepth)
                    : throw Bad(path, "an object");
            case FieldKind.List:
                if (value is not JsonArray arr)
                {
                    throw Bad(path, "an array");
                }
                var list = new XElement(name);
                var i = 0;
                foreach (var item in arr)
                {
                    if (item is null)
                    {
                        throw Bad($"{path}[{i}]", "a value (not null)");
                    }
                    list.Add(ValueFromJson(FieldSpec.ItemName, f.Of!, item, $"{path}[{i}]", maxXmlDepth));
                    i++;
                }
                return list;
            case FieldKind.Xml:
                return new XElement(name, XmlContent(value, path, maxXmlDepth));
        }
        if (value is not JsonValue v)
        {
            throw Bad(path, "a single value");
        }
        string text;
        switch (f.Kind)
        {
            case FieldKind.Int:
                if (v.TryGetValue<long>(out var l))
                {
                    text = l.ToString(CultureInfo.InvariantCulture);
                }
                else if (v.TryGetValue<double>(out var dl) && dl == Math.Floor(dl) && Math.Abs(dl) < 9e15)
                {
                    text = ((long)dl).ToString(CultureInfo.InvariantCulture);
                }
                else if (v.TryGetValue<string>(out var sl) && long.TryParse(sl.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pl))
                {
                    text = pl.ToString(CultureInfo.InvariantCulture);
                }
                else
                {
                    throw Bad(path, "a whole number");
                }
                break;
            case FieldKind.Float:
                if (v.TryGetValue<double>(out var d) && double.IsFinite(d))
                {
                    text = XmlConvert.ToString(d);
                }
                else if (v.TryGetValue<string>(out var sd) && double.TryParse(sd.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var pd) && double.IsFinite(pd))
                {
                    text = XmlConvert.ToString(pd);
                }
                else
                {
                    throw Bad(path, "a number");
                }
                break;
            case FieldKind.Bool:
                if (v.TryGetValue<bool>(out var b))
                {
                    text = b ? "true" : "false";
                }
                else if (v.TryGetValue<string>(out var sb) && sb.Trim().ToLowerInvariant() is "true" or "false")
                {
                    text = sb.Trim().ToLowerInvariant();
                }
                else
                {
                    throw Bad(path, "true or false");
                }
                break;
            case FieldKind.DateTime:
                if (v.TryGetValue<string>(out var sdt) && DateTimeOffset.TryParse(sdt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto))
                {
                    text = dto.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
                }
                else if (v.TryGetValue<DateTimeOffset>(out var dto2))
                {
                    text = dto2.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
                }
                else
                {
                    throw Bad(path, "a date-time string such as 2024-01-31T12:00:00Z");
                }
                break;
            default:
                text = v.GetValueKind() switch
                {
                    JsonValueKind.String => v.GetValue<string>(),
                    _ => v.ToJsonString(),
                };
                break;
        }
        return new XElement(name, text);
    }

    private static object XmlContent(JsonNode value, string path, int maxXmlDepth)
    {
        if (value is JsonValue v && v.TryGetValue<string>(out var s))
        {
            if (s.Contains('<'))
            {
                if (XmlLimits.ExceedsDepth(s, maxXmlDepth))
                {
                    throw new PayloadMappingException("too_deep", $"{path} holds XML nested deeper than {maxXmlDepth} levels");
                }
                try
                {
                    return XElement.Parse("<x>" + s + "</x>").Nodes().ToArray();
                }
                catch (XmlException)
                {
                    // Not well-formed: keep it as text, which the xml type also accepts.
                }
            }
            return s;
        }
        return value.ToJsonString();
    }

    private static PayloadMappingException Bad(string path, string expected) => new("invalid_type", $"{path} must be {expected}");

    public static XElement Example(XName name, FieldSpec[] fields)
    {
        var e = new XElement(name);
        foreach (var f in fields)
        {
            e.Add(ExampleValue(f.XName, f));
        }
        return e;
    }

    private static XElement ExampleValue(XName name, FieldSpec f) => f.Kind switch
    {
        FieldKind.Object => Example(name, f.Fields),
        FieldKind.List => new XElement(name, ExampleValue(FieldSpec.ItemName, f.Of!)),
        FieldKind.Int => new XElement(name, f.Default?.ToJsonString() ?? "0"),
        FieldKind.Float => new XElement(name, f.Default?.ToJsonString() ?? "0.5"),
        FieldKind.Bool => new XElement(name, f.Default?.ToJsonString() ?? "false"),
        FieldKind.DateTime => new XElement(name, "2024-01-31T12:00:00Z"),
        FieldKind.Xml => new XElement(name),
        _ => new XElement(name, f.Default?.GetValue<string>() ?? "text"),
    };
}
