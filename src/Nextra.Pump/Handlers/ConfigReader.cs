using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nextra.Pump.Handlers;

/// <summary>
/// Reads typed values out of a listener's <c>config:</c> JSON whatever CLR type backs each node
/// (values converted from YAML and values parsed from JSON differ), collecting problems instead of throwing.
/// </summary>
internal sealed class ConfigReader(JsonObject? config, List<HandlerConfigProblem> problems)
{
    public JsonObject Config { get; } = config ?? [];

    public void RejectUnknown(string kind, params string[] known)
    {
        foreach (var key in Config.Select(p => p.Key).Where(k => !known.Contains(k)))
            problems.Add(new HandlerConfigProblem("unknown_key", $"unknown {kind} config key '{key}' (known: {string.Join(", ", known)})", key));
    }

    public void Problem(string code, string message, string? key) => problems.Add(new HandlerConfigProblem(code, message, key));

    public string? String(string key)
    {
        if (Node(key) is not JsonValue v)
            return Config.ContainsKey(key) && Config[key] is not null ? Wrong(key, "a string") : null;
        return v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => Wrong(key, "a string"),
        };
    }

    public double? Double(string key)
    {
        if (Node(key) is not JsonValue v)
            return Config.ContainsKey(key) && Config[key] is not null ? WrongStruct<double>(key, "a number") : null;
        var text = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : WrongStruct<double>(key, "a number");
    }

    public int? Int(string key)
    {
        var d = Double(key);
        if (d is null)
            return null;
        if (d != Math.Floor(d.Value) || d > int.MaxValue || d < int.MinValue)
            return WrongStruct<int>(key, "a whole number");
        return (int)d.Value;
    }

    public bool? Bool(string key)
    {
        if (Node(key) is not JsonValue v)
            return Config.ContainsKey(key) && Config[key] is not null ? WrongStruct<bool>(key, "true or false") : null;
        return v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(v.GetValue<string>(), out var b) => b,
            _ => WrongStruct<bool>(key, "true or false"),
        };
    }

    public JsonNode? Node(string key) => Config.TryGetPropertyValue(key, out var n) ? n : null;

    private string? Wrong(string key, string expected)
    {
        problems.Add(new HandlerConfigProblem("invalid_type", $"config.{key} must be {expected}", key));
        return null;
    }

    private T? WrongStruct<T>(string key, string expected) where T : struct
    {
        problems.Add(new HandlerConfigProblem("invalid_type", $"config.{key} must be {expected}", key));
        return null;
    }
}
