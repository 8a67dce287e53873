using System.Xml.Linq;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Runtime;

/// <summary>
/// One queued hop. The envelope's parts are kept apart (no per-hop serialisation): from/to/thread are set
/// by the pump, the payload was validated against <see cref="Schema"/> when it was routed.
/// </summary>
internal sealed class PumpMessage
{
    public required XElement Payload { get; init; }
    public required IPayloadSchema Schema { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required string ThreadId { get; init; }
    public required string Chain { get; init; }
    public int Depth { get; init; }
    public RunState? Run { get; init; }
    /// <summary>The fan-out branch(es) this message belongs to, innermost first; null outside any fan-out.</summary>
    public Parallel.BranchTag? Branch { get; init; }
    /// <summary>Set on the messages the pump sends a collector by itself (a branch failed, the deadline passed).</summary>
    public Parallel.GatherSignal? Signal { get; init; }
    /// <summary>Set when this message is a branch's answer on its way to the branch's collector.</summary>
    public Parallel.BranchTag? Arrival { get; init; }
}
