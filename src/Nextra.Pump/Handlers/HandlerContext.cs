using System.Xml.Linq;
using Nextra.Pump.Config;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Handlers;

/// <summary>Everything a handler receives for one call.</summary>
public sealed class HandlerContext
{
    /// <summary>The validated payload element (empty namespace, root = class name).</summary>
    public required XElement Payload { get; init; }
    public required IPayloadSchema Schema { get; init; }
    public required HandlerMetadata Metadata { get; init; }
    public required ListenerDefinition Listener { get; init; }
    public required FlowDefinition Flow { get; init; }
    /// <summary>Listeners this one may address (effective peers), with their classes and schemas.</summary>
    public required IReadOnlyList<PeerInfo> Peers { get; init; }
    /// <summary>The thread's context buffer as it was when this payload was appended (oldest first).</summary>
    public required IReadOnlyList<ContextSlot> History { get; init; }
    public required IFlowServices Services { get; init; }
    /// <summary>Ids for live events (token streaming) and usage attribution.</summary>
    public required string RunId { get; init; }
    public required int StepIndex { get; init; }
    public required IPayloadSchemaLookup Schemas { get; init; }
    /// <summary>For joins, maps and sequences: the fan-out this call belongs to (set by the pump).</summary>
    internal Runtime.Parallel.GatherCall? Gather { get; init; }
    /// <summary>Where the handler reports memory it holds for this step (counted in the flow's memory estimate).</summary>
    public StepMemory Memory { get; init; } = new();
}

/// <summary>xml-pipeline's HandlerMetadata: thread UUID, previous hop, own name, self-call flag, usage text.</summary>
public sealed record HandlerMetadata(
    string ThreadId,
    string From,
    string OwnName,
    bool IsSelfCall,
    string UsageInstructions);

/// <summary>A listener reachable from the current one.</summary>
public sealed record PeerInfo(string Name, string Description, string PayloadClass, IPayloadSchema Schema, bool IsSelf);

/// <summary>One immutable slot of a thread's context buffer.</summary>
public sealed record ContextSlot(int Index, string ThreadId, string From, string To, string PayloadClass, string PayloadXml, DateTimeOffset At);

/// <summary>Resolves payload classes by name (declared and built-in).</summary>
public interface IPayloadSchemaLookup
{
    IPayloadSchema? Find(string className);
}
