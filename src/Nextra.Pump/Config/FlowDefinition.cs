using System.Text.Json.Nodes;

namespace Nextra.Pump.Config;

/// <summary>
/// A loaded, validated organism.yaml. Immutable; a reload builds a new one.
/// Keys follow DESIGN.md §2 and docs/organism-yaml.md.
/// </summary>
public sealed class FlowDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public int MaxConcurrentHandlers { get; init; } = 20;
    public int MaxConcurrentPerAgent { get; init; } = 5;
    public int MaxTokensPerThread { get; init; } = 100_000;
    public int MaxMessageDepth { get; init; } = 50;
    public int QueueCapacity { get; init; } = 10_000;
    /// <summary>Deadline of one run in seconds (0 = none).</summary>
    public double RunTimeoutSeconds { get; init; } = 300;
    public LlmSection? Llm { get; init; }
    /// <summary>Declared payload classes by name (built-ins included), in declaration order.</summary>
    public required IReadOnlyDictionary<string, PayloadClassDefinition> Payloads { get; init; }
    public required IReadOnlyList<TriggerDefinition> Triggers { get; init; }
    public required IReadOnlyList<PeerTableDefinition> PeerTables { get; init; }
    public required IReadOnlyList<ListenerDefinition> Listeners { get; init; }
    /// <summary>Whether the flow opted in to project memory (key/value store that outlives runs).</summary>
    public bool ProjectMemory { get; init; }
    /// <summary>
    /// Whether the flow's outbound requests (http listeners, LLM backends, WASM <c>http_fetch</c>) carry the server's
    /// W3C <c>traceparent</c>. Off by default: our internal trace ids are not for every API a flow calls.
    /// </summary>
    public bool PropagateTraceContext { get; init; }
}

/// <summary>A payload class declared under <c>payloads:</c>; compiled to an XSD by the pump.</summary>
public sealed class PayloadClassDefinition
{
    public required string Name { get; init; }
    public required IReadOnlyList<PayloadFieldDefinition> Fields { get; init; }
    public bool BuiltIn { get; init; }
}

/// <summary>
/// One field: <see cref="Type"/> is string|int|float|bool|datetime|xml|list|object.
/// Lists carry <see cref="Of"/>, objects carry <see cref="Fields"/>.
/// </summary>
public sealed class PayloadFieldDefinition
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public bool Optional { get; init; }
    public JsonNode? Default { get; init; }
    public PayloadFieldDefinition? Of { get; init; }
    public IReadOnlyList<PayloadFieldDefinition>? Fields { get; init; }
}

public sealed class PeerTableDefinition
{
    public required string Name { get; init; }
    public string? Parent { get; init; }
    /// <summary>Listener name → allowed peers in this table.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Peers { get; init; }
}
