using Nextra.Pump.Handlers;
using Nextra.Pump.Memory;

namespace Nextra.Pump.Runtime.Parallel;

/// <summary>
/// What a collecting handler (join, map, sequence) gets besides its payload: whether this call is an answer
/// (<see cref="Group"/> and <see cref="Slot"/>), a signal from the pump, or fresh input; and the coordinator to
/// open, fill and close gathers with.
/// </summary>
internal sealed class GatherCall
{
    public required ParallelCoordinator Coordinator { get; init; }
    public required RunState? Run { get; init; }
    /// <summary>The fan-out this call answers (or signals); null when the payload is fresh input.</summary>
    public FanoutGroup? Group { get; init; }
    /// <summary>The answering branch's slot; -1 when the branch is one the collector does not expect.</summary>
    public int Slot { get; init; } = -1;
    public GatherSignalKind Signal { get; init; }
    /// <summary>The message's branch stack (fresh input: the stack a new gather's output carries on).</summary>
    public BranchTag? Stack { get; init; }
    public required string Listener { get; init; }
    public required string ThreadId { get; init; }
    public required string Chain { get; init; }
    public int Depth { get; init; }
    public required ParallelLimits Limits { get; init; }

    /// <summary>Opens a gather collected by this listener on its own thread (a map's items, a sequence's steps).</summary>
    public ValueTask<(FanoutGroup Group, GatherState State)> OpenOwnAsync(GatherKind kind, string?[] names, TimeSpan? timeout, CancellationToken ct)
    {
        var run = Run ?? throw new HandlerException(StepCodes.NotABranch, $"'{Listener}' collects answers only within a run");
        return Coordinator.OpenAsync(new GatherOpening(kind, run, Listener, ThreadId, Chain, Listener, ThreadId, Depth + 1, Stack, names, timeout), ct);
    }
}
