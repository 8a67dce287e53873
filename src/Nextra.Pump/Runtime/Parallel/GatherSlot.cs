using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml.Linq;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Runtime.Parallel;

/// <summary>
/// One answer a gather holds, as stored in the shared backend: a branch's (or item's, or step's) payload,
/// or why there is none (<see cref="Error"/> is a stable step code: the branch's own error, <c>timeout</c>,
/// <c>branch_ended</c>, <c>not_started</c>…).
/// </summary>
internal sealed record GatherSlot(bool Success, string Error, string? Message, string? Branch, string? Class, string? Xml)
{
    public static GatherSlot Ok(XElement payload, string? branch) =>
        new(true, "", null, branch, payload.Name.LocalName, FastXml.Serialize(payload));

    public static GatherSlot Failed(string code, string message, string? branch) => new(false, code, message, branch, null, null);

    [JsonIgnore]
    public XElement? Payload => Xml is null ? null : XElement.Parse(Xml);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, GatherSlotJsonContext.Default.GatherSlot);

    public static GatherSlot? FromBytes(byte[]? bytes) =>
        bytes is null ? null : JsonSerializer.Deserialize(bytes, GatherSlotJsonContext.Default.GatherSlot);
}

[JsonSerializable(typeof(GatherSlot))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class GatherSlotJsonContext : JsonSerializerContext;
