using Nextra.Pump.Memory;

namespace Nextra.Pump.Runtime;

/// <summary>Engine settings that are not part of the flow document.</summary>
public sealed class PumpOptions
{
    /// <summary>Shared state (context buffers, thread registry); in-memory by default.</summary>
    public ISharedBackend? Backend { get; init; }
    /// <summary>Record each step's input and emitted payloads as XML in the run trace (costs one serialisation per hop).</summary>
    public bool RecordPayloads { get; init; } = true;
    /// <summary>Context buffer limits (xml-pipeline: 10000 slots per thread, 1000 threads).</summary>
    public int MaxSlotsPerThread { get; init; } = 10_000;
    public int MaxThreads { get; init; } = 1_000;
    /// <summary>Deepest element nesting an injected payload may have (<c>payload_too_deep</c> past it); the server sets <c>[triggers] max_xml_depth</c>.</summary>
    public int MaxXmlDepth { get; init; } = Messages.XmlLimits.DefaultMaxDepth;
    /// <summary>Send the Boot message on start (xml-pipeline §9.19).</summary>
    public bool SendBoot { get; init; } = true;
}
