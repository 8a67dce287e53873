using System.Globalization;
using System.Text.Json.Nodes;
using Nextra.Pump.Config.Yaml;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Config;

internal sealed partial class FlowParser
{
    internal static readonly string[] ScalarTypes = ["string", "int", "float", "bool", "datetime", "xml"];
    private static readonly string[] FieldKeys = ["type", "optional", "default", "of", "fields"];
    private const int MaxNesting = 8;

    private readonly HashSet<string> _brokenClasses = new(StringComparer.Ordinal);

    private Dictionary<string, PayloadClassDefinition> ParsePayloads(YNode? node)
    {
        var result = new Dictionary<string, PayloadClassDefinition>(StringComparer.Ordinal);
        foreach (var builtIn in BuiltInPayloads.All)
        {
            result[builtIn.Name] = builtIn;
        }
        switch (node)
        {
            case null or YScalar { IsNull: true }:
                return result;
            case YMapping map:
                foreach (var (key, value) in map.Entries)
                {
                    var name = key.Value;
                    if (!XmlNamePattern().IsMatch(name))
                    {
                        _p.Add(key, "invalid_name", $"payload class '{name}' must be an XML name: a letter or '_' then letters, digits, '_' or '-'");
                        continue;
                    }
                    if (BuiltInPayloads.IsBuiltIn(name))
                    {
                        _p.Add(key, "duplicate_payload_class", $"'{name}' is a built-in payload class; choose another name");
                        continue;
                    }
                    if (value is not YMapping cls)
                    {
                        _p.Add(value, "invalid_type", $"payload class '{name}' must be a mapping: {name}: {{fields: {{Text: string}}}}");
                        continue;
                    }
                    YamlValues.CheckKeys(cls, _p, $"payload class '{name}'", ["fields"]);
                    var fieldsNode = cls.Get("fields");
                    if (fieldsNode is null)
                    {
                        _p.Add(cls, "missing_field", $"payload class '{name}' needs 'fields'");
                        continue;
                    }
                    var fields = ParseFields(fieldsNode, $"payload class '{name}'", 0);
                    if (fields is null)
                    {
                        _brokenClasses.Add(name); // already reported; references to it should not cascade
                    }
                    else
                    {
                        result[name] = new PayloadClassDefinition { Name = name, Fields = fields };
                    }
                }
                return result;
            default:
                _p.Add(node, "invalid_type", "payloads must be a mapping of class name to {fields: …}");
                return result;
        }
    }

    private List<PayloadFieldDefinition>? ParseFields(YNode node, string where, int depth)
    {
        if (node is YScalar { IsNull: true })
        {
            return [];
        }
        if (node is not YMapping map)
        {
            _p.Add(node, "invalid_type", $"fields of {where} must be a mapping of field name to type");
            return null;
        }
        var fields = new List<PayloadFieldDefinition>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var ok = true;
        foreach (var (key, value) in map.Entries)
        {
            if (!XmlNamePattern().IsMatch(key.Value))
            {
                _p.Add(key, "invalid_name", $"field '{key.Value}' of {where} must be an XML name (letters, digits, '_', '-'; not starting with a digit)");
                ok = false;
                continue;
            }
            if (!seen.Add(key.Value))
            {
                _p.Add(key, "duplicate_field", $"field '{key.Value}' of {where} differs from another only by case; JSON keys match case-insensitively");
                ok = false;
                continue;
            }
            var field = ParseField(key.Value, value, $"field '{key.Value}' of {where}", depth);
            if (field is null)
            {
                ok = false;
                continue;
            }
            fields.Add(field);
        }
        return ok ? fields : null;
    }

    private PayloadFieldDefinition? ParseField(string name, YNode spec, string where, int depth)
    {
        if (depth > MaxNesting)
        {
            _p.Add(spec, "invalid_value", $"{where} nests deeper than {MaxNesting} levels");
            return null;
        }
        if (spec is YScalar s)
        {
            if (ScalarTypes.Contains(s.Value))
            {
                return new PayloadFieldDefinition { Name = name, Type = s.Value };
            }
            var hint = s.Value is "list" or "object" ? $"; write {{type: {s.Value}, {(s.Value == "list" ? "of: string" : "fields: {…}")}}}" : "";
            _p.Add(s, "unknown_type", $"{where} has unknown type '{s.Value}'; use one of {string.Join(", ", ScalarTypes)}, list or object{hint}");
            return null;
        }
        if (spec is not YMapping map)
        {
            _p.Add(spec, "invalid_type", $"{where} must be a type name or a mapping {{type, optional, default}}");
            return null;
        }
        YamlValues.CheckKeys(map, _p, where, FieldKeys);
        var type = YamlValues.String(map.Get("type"), _p, $"{where} type");
        var optional = YamlValues.Bool(map.Get("optional"), _p, $"{where} optional") ?? false;
        if (type is null)
        {
            if (map.Get("fields") is null)
            {
                _p.Add(map, "missing_field", $"{where} needs a 'type' (or 'fields' for a nested object)");
                return null;
            }
            type = "object";
        }
        switch (type)
        {
            case "list":
            {
                var ofNode = map.Get("of");
                if (ofNode is null)
                {
                    _p.Add(map, "missing_field", $"{where} is a list and needs 'of', e.g. {{type: list, of: string}}");
                    return null;
                }
                var of = ParseField("Item", ofNode, $"items of {where}", depth + 1);
                if (of is null)
                {
                    return null;
                }
                if (map.Get("default") is { } d)
                {
                    _p.Add(d, "invalid_value", $"{where}: a list cannot have a default (a missing list is empty)");
                }
                return new PayloadFieldDefinition { Name = name, Type = "list", Optional = optional, Of = of };
            }
            case "object":
            {
                var fieldsNode = map.Get("fields");
                if (fieldsNode is null)
                {
                    _p.Add(map, "missing_field", $"{where} is an object and needs 'fields'");
                    return null;
                }
                var sub = ParseFields(fieldsNode, where, depth + 1);
                return sub is null ? null : new PayloadFieldDefinition { Name = name, Type = "object", Optional = optional, Fields = sub };
            }
            default:
                if (!ScalarTypes.Contains(type))
                {
                    _p.Add(map.Get("type"), "unknown_type", $"{where} has unknown type '{type}'; use one of {string.Join(", ", ScalarTypes)}, list or object");
                    return null;
                }
                JsonNode? def = null;
                if (map.Get("default") is { } defNode)
                {
                    def = ParseDefault(defNode, type, where);
                    if (def is null)
                    {
                        return null;
                    }
                }
                return new PayloadFieldDefinition { Name = name, Type = type, Optional = optional || def is not null, Default = def };
        }
    }

    private JsonNode? ParseDefault(YNode node, string type, string where)
    {
        if (node is not YScalar s || s.IsNull)
        {
            _p.Add(node, "bad_default", $"the default of {where} must be a single {type} value");
            return null;
        }
        var text = s.Value;
        JsonNode? value = type switch
        {
            "int" when YamlValues.TryLong(text, out var l) => JsonValue.Create(l),
            "float" when YamlValues.TryDouble(text, out var d) && double.IsFinite(d) => JsonValue.Create(d),
            "bool" when YamlValues.TryBool(text, out var b) => JsonValue.Create(b),
            "datetime" when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _) => JsonValue.Create(text),
            "string" or "xml" => JsonValue.Create(text),
            _ => null,
        };
        if (value is null)
        {
            _p.Add(node, "bad_default", $"the default '{text}' of {where} is not a valid {type}");
        }
        return value;
    }
}
