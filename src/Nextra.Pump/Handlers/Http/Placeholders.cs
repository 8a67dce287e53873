using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nextra.Pump.Handlers.Http;

/// <summary>How a placeholder's value is escaped where it lands.</summary>
public enum PlaceholderMode
{
    /// <summary>As is (headers: CR/LF removed so a value cannot add headers).</summary>
    Plain,
    /// <summary>Percent-encoded (URL path and query).</summary>
    Url,
    /// <summary>JSON string-escaped, without quotes (inside a JSON string literal of a body).</summary>
    Json,
}

/// <summary>
/// <c>{{Field}}</c> (or <c>{{Field.Sub}}</c>) from the payload's JSON and <c>{{secret:NAME}}</c> from the
/// tenant's secrets.
/// </summary>
public static partial class Placeholders
{
    [GeneratedRegex(@"\{\{\s*(?<name>(secret:)?[A-Za-z_][\w\-]*(\.[A-Za-z_][\w\-]*)*)\s*\}\}", RegexOptions.CultureInvariant)]
    public static partial Regex Pattern();

    public static IEnumerable<string> Names(string template) => Pattern().Matches(template).Select(m => m.Groups["name"].Value);

    /// <summary>Names of the secrets a template refers to.</summary>
    public static IEnumerable<string> SecretNames(string template) =>
        Names(template).Where(n => n.StartsWith("secret:", StringComparison.Ordinal)).Select(n => n["secret:".Length..]);

    /// <summary>Fills a template. <paramref name="secrets"/> holds resolved secret values; null = secrets not allowed here.</summary>
    public static string Render(string template, JsonObject payload, PlaceholderMode mode, IReadOnlyDictionary<string, string>? secrets = null)
    {
        var sb = new StringBuilder();
        var pos = 0;
        foreach (Match m in Pattern().Matches(template))
        {
            sb.Append(template, pos, m.Index - pos);
            var name = m.Groups["name"].Value;
            string value;
            if (name.StartsWith("secret:", StringComparison.Ordinal))
            {
                if (secrets is null)
                    throw new HandlerException("http_placeholder", $"{{{{{name}}}}}: secrets may only be used in headers");
                value = secrets.TryGetValue(name["secret:".Length..], out var v) ? v
                    : throw new HandlerException("secret_missing", $"secret '{name["secret:".Length..]}' is not set");
            }
            else
                value = Text(Lookup(payload, name) ?? throw new HandlerException("http_placeholder", $"{{{{{name}}}}}: the payload has no field {name}"));
            sb.Append(Escape(value, mode));
            pos = m.Index + m.Length;
        }
        sb.Append(template, pos, template.Length - pos);
        return sb.ToString();
    }

    /// <summary>
    /// A JSON body given as a mapping: a string that is exactly one placeholder takes the field's typed value
    /// (numbers stay numbers, objects stay objects); other strings are filled as text.
    /// </summary>
    public static JsonNode? RenderNode(JsonNode? template, JsonObject payload)
    {
        switch (template)
        {
            case JsonObject o:
                var obj = new JsonObject();
                foreach (var (k, v) in o)
                    obj[k] = RenderNode(v, payload);
                return obj;
            case JsonArray a:
                return new JsonArray(a.Select(v => RenderNode(v, payload)).ToArray());
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>();
                var whole = Pattern().Match(s);
                if (whole.Success && whole.Length == s.Length && !whole.Groups["name"].Value.StartsWith("secret:", StringComparison.Ordinal))
                {
                    var name = whole.Groups["name"].Value;
                    return (Lookup(payload, name) ?? throw new HandlerException("http_placeholder", $"{{{{{name}}}}}: the payload has no field {name}")).DeepClone();
                }
                return JsonValue.Create(Render(s, payload, PlaceholderMode.Plain));
            default:
                return template?.DeepClone();
        }
    }

    private static JsonNode? Lookup(JsonObject payload, string path)
    {
        JsonNode? node = payload;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject o)
                return null;
            var hit = o.FirstOrDefault(p => p.Key.Equals(part, StringComparison.OrdinalIgnoreCase));
            if (hit.Key is null)
                return null;
            node = hit.Value;
        }
        return node ?? JsonValue.Create("");
    }

    private static string Text(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node.ToJsonString();

    private static string Escape(string value, PlaceholderMode mode) => mode switch
    {
        PlaceholderMode.Url => Uri.EscapeDataString(value),
        PlaceholderMode.Json => JsonEncodedText.Encode(value, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value,
        _ => value.Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal),
    };
}
