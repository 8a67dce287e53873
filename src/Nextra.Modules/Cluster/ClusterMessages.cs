using System.Text.Json;
using System.Text.Json.Serialization;
using Nextra.Modules.Observability;

namespace Nextra.Modules.Cluster;

/// <summary>A signal between instances; <see cref="Origin"/> lets the sender skip its own copy.</summary>
internal sealed record SignalMessage(string Origin, string Kind, string TenantId, string FlowId, string? RunId, string? Change);

/// <summary>A cache invalidation between instances.</summary>
internal sealed record InvalidationMessage(string Origin, string Cache, string Key);

/// <summary>A live event between instances.</summary>
internal sealed record LiveEventMessage(string Origin, LiveEvent Event);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SignalMessage))]
[JsonSerializable(typeof(InvalidationMessage))]
[JsonSerializable(typeof(LiveEventMessage))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
