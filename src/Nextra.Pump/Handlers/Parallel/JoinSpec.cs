using System.Text.Json;
using System.Text.Json.Nodes;
using Nextra.Pump.Config;

namespace Nextra.Pump.Handlers.Parallel;

/// <summary>
/// A join's config: <c>expect</c> (listener names, a count, or absent = every branch of the fan-out),
/// <c>timeout_ms</c> (from the fan-out), <c>output</c> (the result class).
/// </summary>
internal sealed class JoinSpec
{
    public IReadOnlyList<string>? ExpectNames { get; private init; }
    public int? ExpectCount { get; private init; }
    public TimeSpan? Timeout { get; private init; }
    public required ResultShape Shape { get; init; }

    public static JoinSpec? Parse(ListenerDefinition listener, FlowDefinition flow, List<HandlerConfigProblem> problems)
    {
        var r = new ConfigReader(listener.Config, problems);
        r.RejectUnknown("join", "expect", "timeout_ms", "output");
        IReadOnlyList<string>? names = null;
        int? count = null;
        switch (r.Node("expect"))
        {
            case null:
                break;
            case JsonArray arr:
                names = Collect.Names(arr);
                if (names is null || names.Count == 0)
                {
                    r.Problem("invalid_value", "config.expect must be listener names (the branches, in result order) or a count", "expect");
                    names = null;
                    break;
                }
                for (var i = 0; i < names.Count; i++)
                {
                    if (flow.Listeners.All(l => l.Name != names[i]))
                        r.Problem("unknown_target", $"config.expect[{i}] '{names[i]}' is no listener", $"expect[{i}]");
                }
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                count = r.Int("expect");
                if (count is < 1)
                {
                    r.Problem("invalid_value", "config.expect must be a count of 1 or more", "expect");
                    count = null;
                }
                break;
            default:
                r.Problem("invalid_type", "config.expect must be a list of listener names or a count", "expect");
                break;
        }
        var timeout = Collect.Timeout(r);
        var shape = Collect.Output(r, flow);
        Collect.CheckPeers(listener, problems);
        return shape is null ? null : new JoinSpec { ExpectNames = names, ExpectCount = count, Timeout = timeout, Shape = shape };
    }

    /// <summary>
    /// Slots for a fan-out to <paramref name="targets"/> (in emission order): by <c>expect</c> names (a branch
    /// not named gets -1), by count (branches past it get -1; missing ones stay empty), else one per branch.
    /// </summary>
    public (string?[] Names, int[] SlotOf) Assign(IReadOnlyList<string> targets)
    {
        var slotOf = new int[targets.Count];
        if (ExpectNames is { } names)
        {
            var taken = new bool[names.Count];
            for (var d = 0; d < targets.Count; d++)
            {
                slotOf[d] = -1;
                for (var j = 0; j < names.Count; j++)
                {
                    if (!taken[j] && names[j] == targets[d])
                    {
                        taken[j] = true;
                        slotOf[d] = j;
                        break;
                    }
                }
            }
            return ([.. names], slotOf);
        }
        var n = ExpectCount ?? targets.Count;
        var slotNames = new string?[n];
        for (var d = 0; d < targets.Count; d++)
        {
            slotOf[d] = d < n ? d : -1;
            if (d < n)
                slotNames[d] = targets[d];
        }
        return (slotNames, slotOf);
    }
}
