namespace Nextra.Pump.Config;

/// <summary>
/// What is valid but most likely not what the author drew: found on a loaded flow, shown beside the
/// problems, never a reason to refuse a save.
/// </summary>
public static class FlowWarnings
{
    /// <summary>A code block with several peers whose inline code never names <c>_to</c>: its result goes back to the caller, not along an edge.</summary>
    public const string CodeNoRoute = "code_no_route";

    public static IReadOnlyList<ValidationProblem> Find(FlowDefinition flow)
    {
        var warnings = new List<ValidationProblem>();
        foreach (var l in flow.Listeners)
        {
            if (l.Handler != "code" || l.Peers.Count < 2 || l.Fanout.Count > 0)
                continue;
            // A registered module's code cannot be read here; inline code that never mentions _to cannot route.
            var inline = (l.Config?["source"] ?? l.Config?["wat"])?.ToString();
            if (inline is null || inline.Contains("_to", StringComparison.Ordinal))
                continue;
            warnings.Add(new ValidationProblem(l.Line, l.Column, CodeNoRoute,
                $"code block '{l.Name}' has {l.Peers.Count} peers ({string.Join(", ", l.Peers)}) but its code never sets \"_to\": its result goes back to the caller and none of them runs. Set \"_to\" to a peer's name in the output (or keep one peer: a block with one peer forwards to it)."));
        }
        return warnings;
    }
}
