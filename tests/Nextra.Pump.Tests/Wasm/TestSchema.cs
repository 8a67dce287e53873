using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>
/// A small stand-in for the pump's compiled schemas (until the pump lands): flat classes whose
/// fields are "string" or "int"; unknown keys are rejected like the real mapping does.
/// </summary>
internal sealed class TestSchema(string className, params (string Name, string Type)[] fields) : IPayloadSchema
{
    public string ClassName { get; } = className;
    public string Xsd => "";
    public string ExampleXml => new XElement(ClassName, fields.Select(f => new XElement(f.Name, f.Type == "int" ? "0" : ""))).ToString();

    public string? Validate(XElement payload) => payload.Name.LocalName == ClassName ? null : $"expected <{ClassName}>";

    public JsonObject ToJson(XElement payload)
    {
        var o = new JsonObject();
        foreach (var (name, type) in fields)
        {
            var e = payload.Element(name);
            if (e is null)
                continue;
            o[name] = type == "int" ? JsonValue.Create(long.Parse(e.Value)) : JsonValue.Create(e.Value);
        }
        return o;
    }

    public XElement FromJson(JsonObject json)
    {
        var root = new XElement(ClassName);
        foreach (var (key, value) in json)
        {
            var field = fields.FirstOrDefault(f => string.Equals(f.Name, key, StringComparison.OrdinalIgnoreCase));
            if (field.Name is null)
                throw new PayloadMappingException("unknown_field", $"'{key}' is not a field of {ClassName}");
            if (field.Type == "int" && (value is not JsonValue v || !v.TryGetValue<long>(out _)))
                throw new PayloadMappingException("type_mismatch", $"'{key}' must be an integer");
            root.Add(new XElement(field.Name, value is JsonValue sv && sv.TryGetValue<string>(out var s) ? s : value?.ToJsonString()));
        }
        return root;
    }
}
