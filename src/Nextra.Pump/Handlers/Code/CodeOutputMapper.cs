using System.Text.Json;
using System.Text.Json.Nodes;
using Nextra.Pump.Messages;
using Nextra.Pump.Wasm;

namespace Nextra.Pump.Handlers.Code;

/// <summary>
/// Turns a module's output JSON into a handler result: <c>"_drop": true</c> ends the chain,
/// <c>"_to": "peer"</c> forwards (peers enforced), <c>"_to": null</c> responds to the caller; without
/// <c>_to</c> a block with exactly one peer forwards to it (an edge means data flows there, as for
/// every kind) and any other block responds. A JSON array of such objects emits each one: several
/// <c>_to</c> peers at once are a fan-out.
/// </summary>
internal static class CodeOutputMapper
{
    public static HandlerResult Map(byte[] output, HandlerContext context, string? outputClass, StepUsage usage)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(output);
        }
        catch (JsonException ex)
        {
            throw Bad($"output is not valid JSON: {ex.Message}", usage);
        }
        switch (root)
        {
            case JsonObject single:
                return One(single, context, outputClass, usage) is { } e ? new HandlerResult([e], usage) : HandlerResult.EndWith(usage);
            case JsonArray many:
                var emissions = new List<Emission>(many.Count);
                foreach (var item in many)
                {
                    if (One(item as JsonObject ?? throw Bad("every element of an output array must be a JSON object", usage), context, outputClass, usage) is { } each)
                        emissions.Add(each);
                }
                return new HandlerResult(emissions, usage);
            default:
                throw Bad("output must be a JSON object (or an array of objects)", usage);
        }
    }

    private static Emission? One(JsonObject json, HandlerContext context, string? outputClass, StepUsage usage)
    {
        var drop = json["_drop"];
        var explicitTo = json.ContainsKey("_to");
        var to = json["_to"];
        json.Remove("_drop");
        json.Remove("_to");
        if (drop is JsonValue d && d.GetValueKind() == JsonValueKind.True)
            return null;

        string? target = null;
        PeerInfo? peer = null;
        if (to is not null)
        {
            if (to is not JsonValue tv || tv.GetValueKind() != JsonValueKind.String)
                throw Bad("\"_to\" must be a listener name", usage);
            target = tv.GetValue<string>();
            peer = context.Peers.FirstOrDefault(p => p.Name == target)
                ?? throw Bad($"\"_to\": '{target}' is not a peer of '{context.Listener.Name}' (peers: {string.Join(", ", context.Peers.Select(p => p.Name))})", usage);
        }
        else if (!explicitTo && context.Peers.Count == 1)
        {
            peer = context.Peers[0];
            target = peer.Name;
        }

        IPayloadSchema schema = outputClass is not null
            ? context.Schemas.Find(outputClass) ?? throw Bad($"output class '{outputClass}' is unknown", usage)
            : peer?.Schema ?? context.Schema;
        System.Xml.Linq.XElement payload;
        try
        {
            payload = schema.FromJson(json);
        }
        catch (PayloadMappingException ex)
        {
            throw Bad($"output does not fit payload class '{schema.ClassName}': {ex.Message}", usage);
        }
        return target is null ? Emission.Respond(payload) : Emission.Forward(payload, target);
    }

    private static HandlerException Bad(string message, StepUsage usage) => new(WasmErrorCodes.BadOutput, message) { Usage = usage };
}
