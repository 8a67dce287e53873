using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Nextra.Pump.Messages;

/// <summary>
/// A compiled payload class: its XSD, an example, validation and the JSON ⇄ XML mapping.
/// Implemented by the pump from a <see cref="Config.PayloadClassDefinition"/>.
/// </summary>
public interface IPayloadSchema
{
    string ClassName { get; }
    /// <summary>The XSD text (root element = class name, children in declared order).</summary>
    string Xsd { get; }
    /// <summary>A skeleton example payload (used in LLM usage instructions and UI forms).</summary>
    string ExampleXml { get; }
    /// <summary>Validates a payload element; null when valid, else a message naming the problem.</summary>
    string? Validate(XElement payload);
    /// <summary>The payload as a JSON object (numbers as numbers, bools as bools, lists as arrays).</summary>
    JsonObject ToJson(XElement payload);
    /// <summary>Builds a payload from JSON (keys matched case-insensitively). Throws <see cref="PayloadMappingException"/>.</summary>
    XElement FromJson(JsonObject json);
    /// <summary>As <see cref="FromJson(JsonObject)"/>, with the nesting limit for XML held in <c>xml</c> fields.</summary>
    XElement FromJson(JsonObject json, int maxXmlDepth) => FromJson(json);
}

/// <summary>Raised when JSON cannot be mapped onto a payload class; Code is stable.</summary>
public sealed class PayloadMappingException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
