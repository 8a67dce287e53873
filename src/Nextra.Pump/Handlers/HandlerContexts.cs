using Nextra.Pump.Config;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Handlers;

/// <summary>What a factory sees when validating one listener's config.</summary>
public sealed class HandlerValidationContext
{
    public required FlowDefinition Flow { get; init; }
    public required ListenerDefinition Listener { get; init; }
}

/// <summary>What a factory gets when building a handler for a running pump.</summary>
public sealed class HandlerCreateContext
{
    public required FlowDefinition Flow { get; init; }
    public required ListenerDefinition Listener { get; init; }
    /// <summary>Compiled payload classes by name.</summary>
    public required IReadOnlyDictionary<string, IPayloadSchema> Schemas { get; init; }
    public required IFlowServices Services { get; init; }
}
