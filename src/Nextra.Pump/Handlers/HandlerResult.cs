using System.Xml.Linq;

namespace Nextra.Pump.Handlers;

/// <summary>
/// What a handler returns: nothing (end of chain), or one or more emissions, each a forward
/// to a named listener or a respond. The pump sets from/to/thread; handlers never do.
/// </summary>
public sealed class HandlerResult
{
    public static HandlerResult End { get; } = new([]);

    public HandlerResult(IReadOnlyList<Emission> emissions, StepUsage? usage = null)
    {
        Emissions = emissions;
        Usage = usage;
    }

    public IReadOnlyList<Emission> Emissions { get; }
    /// <summary>Fuel, tokens, cost to record on the step.</summary>
    public StepUsage? Usage { get; init; }

    public static HandlerResult Forward(XElement payload, string to, StepUsage? usage = null) => new([Emission.Forward(payload, to)], usage);
    public static HandlerResult Respond(XElement payload, StepUsage? usage = null) => new([Emission.Respond(payload)], usage);
    public static HandlerResult EndWith(StepUsage? usage) => new([], usage);
}

/// <summary>One outgoing payload. <see cref="To"/> is null for a respond; <see cref="IsOutput"/> marks an output record.</summary>
public sealed record Emission(XElement Payload, string? To, bool IsRespond)
{
    /// <summary>A map item or sequence step: the slot of the sender's own gather this message is a branch of.</summary>
    internal Runtime.Parallel.BranchSlot? Slot { get; init; }

    public static Emission Forward(XElement payload, string to) => new(payload, to, false);
    public static Emission Respond(XElement payload) => new(payload, null, true);
}

/// <summary>Metering recorded on a step.</summary>
public sealed record StepUsage
{
    public ulong? Fuel { get; init; }
    public int? PromptTokens { get; init; }
    public int? CompletionTokens { get; init; }
    public string? Model { get; init; }
    public string? Backend { get; init; }
    public decimal? CostUsd { get; init; }
}
