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
}
