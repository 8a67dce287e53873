using System.Text.Json;
using System.Xml.Linq;

using Nextra.Pump.Messages;

namespace Nextra.Pump.Memory;

/// <summary>
/// One immutable context-buffer slot as stored. In memory it keeps the payload element itself
/// (xml-pipeline hands handlers the same reference); its XML text is produced once, on demand.
/// </summary>
public sealed class StoredSlot
{
    private string? _xml;
    private readonly XElement? _payload;

    public StoredSlot(string from, string to, string payloadClass, XElement payload, DateTimeOffset at, string? ownName = null, bool isSelfCall = false)
    {
        From = from;
        To = to;
        PayloadClass = payloadClass;
        _payload = payload;
        At = at;
        OwnName = ownName;
        IsSelfCall = isSelfCall;
    }

    private StoredSlot(string from, string to, string payloadClass, string xml, DateTimeOffset at, string? ownName, bool isSelfCall)
    {
        From = from;
        To = to;
        PayloadClass = payloadClass;
        _xml = xml;
        At = at;
        OwnName = ownName;
        IsSelfCall = isSelfCall;
    }

    public string From { get; }
    public string To { get; }
    public string PayloadClass { get; }
    public DateTimeOffset At { get; }
    public string? OwnName { get; }
    public bool IsSelfCall { get; }
    /// <summary>The payload element (parsed on demand when the slot came from storage).</summary>
    public XElement Payload => _payload ?? XElement.Parse(_xml!);
    public string PayloadXml => _xml ??= FastXml.Serialize(_payload!);

    /// <summary>UTF-8 JSON for shared storage.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(
        new StoredSlotDto(From, To, PayloadClass, PayloadXml, At, OwnName, IsSelfCall), StoredSlotJsonContext.Default.StoredSlotDto);

    public static StoredSlot FromBytes(ReadOnlySpan<byte> bytes)
    {
        var dto = JsonSerializer.Deserialize(bytes, StoredSlotJsonContext.Default.StoredSlotDto)
            ?? throw new InvalidDataException("empty slot");
        return new StoredSlot(dto.From, dto.To, dto.PayloadClass, dto.PayloadXml, dto.At, dto.OwnName, dto.IsSelfCall);
    }
}

internal sealed record StoredSlotDto(string From, string To, string PayloadClass, string PayloadXml, DateTimeOffset At, string? OwnName, bool IsSelfCall);

[System.Text.Json.Serialization.JsonSerializable(typeof(StoredSlotDto))]
internal sealed partial class StoredSlotJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
