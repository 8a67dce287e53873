using Nextra.Pump.Handlers.Parallel;
using Nextra.Pump.Routing;

namespace Nextra.Pump.Runtime.Parallel;

/// <summary>How one fan-out's branches map onto its join's slots (in emission order); opened when the fan-out happens.</summary>
internal sealed class FanoutPlan(FanoutGroup group, int[] slotOf)
{
    private int _next;

    public FanoutGroup Group { get; } = group;
    public int[] SlotOf { get; } = slotOf;

    /// <summary>The slot of the next branch sent (-1: a branch the join does not expect).</summary>
    public int NextBranch() => _next++;

    /// <summary>
    /// Finds the join that collects a fan-out to <paramref name="branches"/> and opens its gather on the thread
    /// <c>…fanout-point.join</c>. Expected branches that are not sent are settled <c>not_started</c>; when every
    /// branch had answered before a restart, the join is told at once. Null when no join collects this fan-out.
    /// </summary>
    public static async ValueTask<FanoutPlan?> OpenAsync(ParallelCoordinator coordinator, ThreadRegistry threads, PumpState state, RunState run,
        PumpMessage message, string sender, IReadOnlyList<string> branches, BranchTag? inherit, CancellationToken ct)
    {
        if (state.Joins.JoinFor(sender, branches) is not { } join)
        {
            return null;
        }
        var spec = ((JoinHandler)join.Handler).Spec;
        var (slotNames, slotOf) = spec.Assign(branches);
        var (uuid, chain) = await threads.ExtendAsync(message.ThreadId, join.Name, ct).ConfigureAwait(false);
        run.TrackThread(uuid);
        var (group, _) = await coordinator.OpenAsync(new GatherOpening(GatherKind.Join, run, join.Name, uuid, chain, sender, message.ThreadId,
            message.Depth + 1, inherit, slotNames, spec.Timeout), ct).ConfigureAwait(false);
        var signalled = false;
        for (var s = 0; s < group.Slots; s++)
        {
            if (Array.IndexOf(slotOf, s) < 0 && !group.IsFilled(s))
            {
                signalled |= await coordinator.SettleAsync(group, s, StepCodes.NotStarted,
                    $"'{sender}' did not send to '{group.Names[s] ?? "?"}' in this fan-out", ct).ConfigureAwait(false);
            }
        }
        if (!signalled && group.AllFilled)
        {
            // Every branch had answered before a restart: the join only has to emit again.
            coordinator.Signal(group, GatherSignalKind.Settled, -1, "resumed", "every branch had answered before the pump restarted");
        }
        return new FanoutPlan(group, slotOf);
    }
}
