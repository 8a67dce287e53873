using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Nextra.Pump.Messages;

/// <summary>
/// Validates a payload element against its compiled fields with exactly the verdicts of the generated
/// XSD (a property test checks the two agree), without the allocations of XmlSchemaValidator: this runs
/// on every hop.
/// </summary>
internal static partial class PayloadValidator
{
    [GeneratedRegex(@"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")]
    private static partial Regex DateTimePattern();

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex DoublePattern();

    public static string? ValidateChildren(XElement parent, FieldSpec[] fields, string path)
    {
        if (HasAttributes(parent))
        {
            return $"<{path}> must not carry attributes";
        }
        var node = parent.FirstNode;
        foreach (var field in fields)
        {
            node = SkipIgnorable(node, out var badText);
            if (badText)
            {
                return $"<{path}> holds text outside its fields";
            }
            if (node is XElement child && ReferenceEquals(child.Name, field.XName))
            {
                var error = ValidateValue(child, field, path, field.Name);
                if (error is not null)
                {
                    return error;
                }
                node = node.NextNode;
            }
            else if (!field.Optional)
            {
                return node is XElement other
                    ? $"<{path}> expects <{field.Name}> where <{other.Name}> is"
                    : $"<{path}> is missing <{field.Name}>";
            }
        }
        node = SkipIgnorable(node, out var trailingText);
        if (trailingText)
        {
            return $"<{path}> holds text outside its fields";
        }
        return node is XElement extra ? $"<{path}> has unexpected element <{extra.Name}>" : null;
    }

    private static XNode? SkipIgnorable(XNode? node, out bool badText)
    {
        badText = false;
        while (node is not null and not XElement)
        {
            if (node is XText t && !string.IsNullOrWhiteSpace(t.Value))
            {
                badText = true;
                return node;
            }
            node = node.NextNode;
        }
        return node;
    }

    private static bool HasAttributes(XElement e)
    {
        for (var a = e.FirstAttribute; a is not null; a = a.NextAttribute)
        {
            if (!a.IsNamespaceDeclaration)
            {
                return true;
            }
        }
        return false;
    }

    private static string Join(string parent, string name) => parent + "/" + name;

    /// <summary>Validates one field's element; the path is only joined when there is an error to report.</summary>
    public static string? ValidateValue(XElement e, FieldSpec field, string parentPath, string name)
    {
        var path = new LazyPath(parentPath, name);
        if (e.Name.NamespaceName.Length != 0)
        {
            return $"<{path}> must be in no namespace";
        }
        switch (field.Kind)
        {
            case FieldKind.Xml:
                return null;
            case FieldKind.List:
            {
                if (HasAttributes(e))
                {
                    return $"<{path}> must not carry attributes";
                }
                string? listPath = null;
                for (var node = e.FirstNode; node is not null; node = node.NextNode)
                {
                    if (node is XElement item)
                    {
                        if (!ReferenceEquals(item.Name, FieldSpec.ItemName))
                        {
                            return $"<{path}> may only hold <Item> elements, found <{item.Name}>";
                        }
                        var error = ValidateValue(item, field.Of!, listPath ??= path.ToString(), "Item");
                        if (error is not null)
                        {
                            return error;
                        }
                    }
                    else if (node is XText t && !string.IsNullOrWhiteSpace(t.Value))
                    {
                        return $"<{path}> holds text outside its <Item> elements";
                    }
                }
                return null;
            }
            case FieldKind.Object:
                return ValidateChildren(e, field.Fields, path.ToString());
        }
        if (HasAttributes(e))
        {
            return $"<{path}> must not carry attributes";
        }
        if (e.HasElements)
        {
            return $"<{path}> must hold a {KindName(field.Kind)}, not elements";
        }
        var text = e.Value;
        return ScalarOk(field.Kind, text) ? null : $"<{path}> must hold a {KindName(field.Kind)}, got '{Short(text)}'";
    }

    public static bool ScalarOk(FieldKind kind, string text)
    {
        switch (kind)
        {
            case FieldKind.String:
                return true;
            case FieldKind.Int:
            {
                var t = text.AsSpan().Trim(XmlWhitespace);
                return t.Length > 0 && (t[0] is >= '0' and <= '9' || (t.Length > 1 && t[0] is '+' or '-'))
                    && long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
            }
            case FieldKind.Float:
            {
                var t = text.Trim(XmlWhitespace);
                return t is "INF" or "-INF" or "NaN" || DoublePattern().IsMatch(t);
            }
            case FieldKind.Bool:
            {
                var t = text.AsSpan().Trim(XmlWhitespace);
                return t is "true" or "false" or "1" or "0";
            }
            case FieldKind.DateTime:
            {
                var t = text.Trim(XmlWhitespace);
                if (!DateTimePattern().IsMatch(t))
                {
                    return false;
                }
                try
                {
                    _ = XmlConvert.ToDateTimeOffset(t);
                    return true;
                }
                catch (FormatException)
                {
                    return false;
                }
            }
            default:
                return true;
        }
    }

    /// <summary>Defers building "A/B/C" until an error message needs it.</summary>
    private readonly struct LazyPath(string parent, string name)
    {
        public override string ToString() => Join(parent, name);
    }

    private static readonly char[] XmlWhitespace = [' ', '\t', '\n', '\r'];

    internal static string KindName(FieldKind kind) => kind switch
    {
        FieldKind.Int => "whole number",
        FieldKind.Float => "number",
        FieldKind.Bool => "boolean (true or false)",
        FieldKind.DateTime => "date-time (e.g. 2024-01-31T12:00:00Z)",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Short(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
