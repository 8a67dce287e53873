using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// Renders a template for "use" (R6): <c>${{ inputs.ID }}</c> is replaced inside scalar values of the parsed YAML (never in the
/// text, so a value cannot inject structure), after each value is checked against its input's type; <c>$${{</c> escapes a literal.
/// Secret references (<c>{{secret:NAME}}</c>, <c>*_secret: NAME</c>) are renamed to the tenant's bound secrets.
/// </summary>
public static partial class TemplateRenderer
{
    [GeneratedRegex(@"(\$?)\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\{\{\s*secret:([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex SecretRef();

    public static string Render(string yaml, TemplateInput[] inputs, Dictionary<string, JsonElement> values, Dictionary<string, string> secretBindings)
    {
        var resolved = Resolve(inputs, values);
        var renames = secretBindings.Where(b => b.Key != b.Value).ToDictionary(b => b.Key, b => b.Value, StringComparer.Ordinal);
        if (!yaml.Contains("${{", StringComparison.Ordinal) && renames.Count == 0)
            return yaml;
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        foreach (var doc in stream.Documents)
            Walk(doc.RootNode, null, resolved, renames);
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static void Walk(YamlNode node, string? key, Dictionary<string, string> inputs, Dictionary<string, string> renames)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                    Walk(v, (k as YamlScalarNode)?.Value, inputs, renames);
                break;
            case YamlSequenceNode seq:
                foreach (var item in seq.Children)
                    Walk(item, key, inputs, renames);
                break;
            case YamlScalarNode scalar when scalar.Value is { } value:
                value = Placeholder().Replace(value, m => m.Groups[1].Value == "$"
                    ? m.Value[1..]
                    : inputs.TryGetValue(m.Groups[2].Value, out var v) ? v : throw MarketplaceErrors.Invalid("inputs", $"the template uses an undeclared input '{m.Groups[2].Value}'"));
                value = SecretRef().Replace(value, m => renames.TryGetValue(m.Groups[1].Value, out var to) ? "{{secret:" + to + "}}" : m.Value);
                if (key is not null && key.EndsWith("_secret", StringComparison.Ordinal) && renames.TryGetValue(value, out var renamed))
                    value = renamed;
                scalar.Value = value;
                break;
        }
    }

    /// <summary>Each declared input's value as text, type-checked; unknown inputs and missing required ones are refused.</summary>
    public static Dictionary<string, string> Resolve(TemplateInput[] inputs, Dictionary<string, JsonElement> values)
    {
        foreach (var name in values.Keys.Where(k => inputs.All(i => i.Id != k)))
            throw MarketplaceErrors.Invalid("inputs", $"'{name}' is not an input of this template.");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            string? text = values.TryGetValue(input.Id, out var v) ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
                JsonValueKind.Null => null,
                _ => throw MarketplaceErrors.Invalid("inputs", $"input '{input.Id}' must be a {input.Type ?? "string"}"),
            } : null;
            text ??= input.Default;
            if (text is null)
            {
                if (input.Required) throw MarketplaceErrors.Invalid("inputs", $"input '{input.Id}' ({input.Label ?? input.Id}) is required.");
                text = "";
            }
            var ok = (input.Type ?? "string") switch
            {
                "int" => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
                "bool" => text is "true" or "false",
                "enum" => input.Values?.Contains(text) == true,
                "url" => Uri.TryCreate(text, UriKind.Absolute, out var u) && u.Scheme is "https" or "http",
                _ => true,
            };
            if (!ok || (input.Pattern is { } p && text.Length > 0 && !Regex.IsMatch(text, "^(?:" + p + ")$", RegexOptions.None, TimeSpan.FromMilliseconds(100))))
                throw MarketplaceErrors.Invalid("inputs", $"input '{input.Id}' must be a {input.Type ?? "string"}{(input.Pattern is null ? "" : $" matching {input.Pattern}")}.");
            result[input.Id] = text;
        }
        return result;
    }
}
