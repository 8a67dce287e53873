using System.Globalization;
using System.Text.Json.Nodes;

namespace Nextra.Pump.Config.Yaml;

/// <summary>Typed reading of YAML nodes (YAML 1.2 core schema for plain scalars), reporting problems.</summary>
internal static class YamlValues
{
    /// <summary>Converts any node to JSON: plain scalars typed (null, bool, integer, float), quoted ones strings.</summary>
    public static JsonNode? ToJson(YNode node) => node switch
    {
        YScalar s => ScalarToJson(s),
        YSequence seq => new JsonArray(seq.Items.Select(ToJson).ToArray()),
        YMapping map => ToJsonObject(map),
        _ => null,
    };

    public static JsonObject ToJsonObject(YMapping map)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in map.Entries)
        {
            obj[k.Value] = ToJson(v);
        }
        return obj;
    }

    public static JsonNode? ScalarToJson(YScalar s)
    {
        if (!s.Plain || s.Tag == "tag:yaml.org,2002:str")
        {
            return JsonValue.Create(s.Value);
        }
        if (s.IsNull)
        {
            return null;
        }
        if (TryBool(s.Value, out var b))
        {
            return JsonValue.Create(b);
        }
        if (TryLong(s.Value, out var l))
        {
            return JsonValue.Create(l);
        }
        if (TryDouble(s.Value, out var d) && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }
        return JsonValue.Create(s.Value);
    }

    public static bool TryBool(string v, out bool value)
    {
        switch (v)
        {
            case "true" or "True" or "TRUE":
                value = true;
                return true;
            case "false" or "False" or "FALSE":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    public static bool TryLong(string v, out long value)
    {
        if (v.StartsWith("0x", StringComparison.Ordinal))
        {
            return long.TryParse(v.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }
        return long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryDouble(string v, out double value)
    {
        switch (v)
        {
            case ".inf" or ".Inf" or "+.inf":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf":
                value = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN":
                value = double.NaN;
                return true;
        }
        return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public static string? String(YNode? node, ProblemSink p, string what)
    {
        switch (node)
        {
            case null:
                return null;
            case YScalar s when s.IsNull:
                return null;
            case YScalar s:
                return s.Value;
            default:
                p.Add(node, "invalid_type", $"{what} must be a string, not a {Describe(node)}");
                return null;
        }
    }

    public static bool? Bool(YNode? node, ProblemSink p, string what)
    {
        if (node is null || node is YScalar { IsNull: true })
        {
            return null;
        }
        if (node is YScalar s && TryBool(s.Value, out var b))
        {
            return b;
        }
        p.Add(node, "invalid_type", $"{what} must be true or false");
        return null;
    }

    public static long? Integer(YNode? node, ProblemSink p, string what, long min, long max)
    {
        if (node is null || node is YScalar { IsNull: true })
        {
            return null;
        }
        if (node is YScalar s && TryLong(s.Value, out var l))
        {
            if (l < min || l > max)
            {
                p.Add(node, "invalid_value", $"{what} must be between {min} and {max}, got {l}");
                return null;
            }
            return l;
        }
        p.Add(node, "invalid_type", $"{what} must be a whole number");
        return null;
    }

    public static double? Number(YNode? node, ProblemSink p, string what, double min, double max)
    {
        if (node is null || node is YScalar { IsNull: true })
        {
            return null;
        }
        if (node is YScalar s && TryDouble(s.Value, out var d) && double.IsFinite(d))
        {
            if (d < min || d > max)
            {
                p.Add(node, "invalid_value", $"{what} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, got {s.Value}");
                return null;
            }
            return d;
        }
        p.Add(node, "invalid_type", $"{what} must be a number");
        return null;
    }

    public static List<string> StringList(YNode? node, ProblemSink p, string what)
    {
        var list = new List<string>();
        switch (node)
        {
            case null:
            case YScalar { IsNull: true }:
                return list;
            case YSequence seq:
                foreach (var item in seq.Items)
                {
                    if (item is YScalar s && !s.IsNull)
                    {
                        list.Add(s.Value);
                    }
                    else
                    {
                        p.Add(item, "invalid_type", $"every entry of {what} must be a string");
                    }
                }
                return list;
            default:
                p.Add(node, "invalid_type", $"{what} must be a list, e.g. [a, b]");
                return list;
        }
    }

    public static string Describe(YNode node) => node switch
    {
        YMapping => "mapping",
        YSequence => "list",
        _ => "scalar",
    };

    /// <summary>Reports every key of <paramref name="map"/> not in <paramref name="allowed"/>, suggesting the nearest.</summary>
    public static void CheckKeys(YMapping map, ProblemSink p, string where, IReadOnlyCollection<string> allowed, IReadOnlyDictionary<string, string>? hints = null)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (allowed.Contains(key.Value))
            {
                continue;
            }
            string message;
            if (hints is not null && hints.TryGetValue(key.Value, out var hint))
            {
                message = $"unknown key '{key.Value}' in {where}: {hint}";
            }
            else
            {
                var near = Nearest(key.Value, allowed);
                message = near is null
                    ? $"unknown key '{key.Value}' in {where}; allowed: {string.Join(", ", allowed)}"
                    : $"unknown key '{key.Value}' in {where}; did you mean '{near}'?";
            }
            p.Add(key, "unknown_key", message);
        }
    }

    public static string? Nearest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Distance(word.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= Math.Max(2, word.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64)
        {
            return int.MaxValue;
        }
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
