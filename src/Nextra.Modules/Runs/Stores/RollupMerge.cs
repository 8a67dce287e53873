namespace Nextra.Modules.Runs.Stores;

/// <summary>Joins the three per-flow sums of a rollup query into <see cref="FlowRollup"/>s.</summary>
internal static class RollupMerge
{
    public static IReadOnlyList<FlowRollup> Merge(IEnumerable<(string Flow, long Runs, long Ok, long Failed, long[] Buckets)> runs,
        IEnumerable<(string Flow, string Code, long Count)> errors, IEnumerable<(string Flow, long Minutes)> running)
    {
        var byFlow = new SortedDictionary<string, FlowRollup>(StringComparer.Ordinal);
        FlowRollup Empty(string flow) => new(flow, 0, 0, 0, new long[RunRollups.BucketsMs.Length], new Dictionary<string, long>(StringComparer.Ordinal), 0);
        foreach (var r in runs) byFlow[r.Flow] = Empty(r.Flow) with { Runs = r.Runs, Succeeded = r.Ok, Failed = r.Failed, Buckets = r.Buckets };
        foreach (var e in errors)
        {
            if (!byFlow.TryGetValue(e.Flow, out var f)) byFlow[e.Flow] = f = Empty(e.Flow);
            ((Dictionary<string, long>)f.Errors)[e.Code] = e.Count;
        }
        foreach (var m in running)
        {
            byFlow[m.Flow] = (byFlow.TryGetValue(m.Flow, out var f) ? f : Empty(m.Flow)) with { RunningMinutes = m.Minutes };
        }
        return [.. byFlow.Values];
    }
}
