using System.Collections.Concurrent;
using Nextra.Pump.Handlers;
using Nextra.Pump.Handlers.Parallel;

namespace Nextra.Pump.Runtime.Parallel;

/// <summary>
/// Decides, when a listener fans out, which join collects the branches (documented in docs/organism-yaml.md):
/// 1. the join whose <c>expect</c> names the most of the branches; else 2. the nearest join every branch reaches
/// through the flow's edges (peers, <c>fanout</c>, branch cases, map <c>to</c>, sequence steps); else 3. the nearest
/// join the fan-out point itself reaches. None: the fan-out is not joined (its branches run as before).
/// One per routing snapshot; answers are cached by (sender, branches).
/// </summary>
internal sealed class JoinBinder
{
    private readonly IReadOnlyList<ListenerRuntime> _joins;
    private readonly Dictionary<string, string[]> _edges;
    private readonly ConcurrentDictionary<string, ListenerRuntime?> _cache = new(StringComparer.Ordinal);

    public JoinBinder(IReadOnlyList<ListenerRuntime> listeners)
    {
        _joins = listeners.Where(l => l.Handler is JoinHandler).ToList();
        _edges = listeners.ToDictionary(l => l.Name, l =>
            l.Def.Peers.Concat(l.Def.Fanout).Concat(l.Handler is IDeclaresTargets d ? d.Targets : []).Distinct(StringComparer.Ordinal).ToArray(),
            StringComparer.Ordinal);
    }

    public bool HasJoins => _joins.Count > 0;

    public ListenerRuntime? JoinFor(string sender, IReadOnlyList<string> branches)
    {
        if (_joins.Count == 0)
        {
            return null;
        }
        var key = sender + "\u001f" + string.Join("\u001f", branches);
        if (_cache.TryGetValue(key, out var hit))
        {
            return hit;
        }
        var join = ByExpect(branches) ?? Nearest(branches.Distinct(StringComparer.Ordinal).ToList()) ?? Nearest([sender], skipSelf: true);
        if (_cache.Count < 10_000)
        {
            _cache[key] = join;
        }
        return join;
    }

    private ListenerRuntime? ByExpect(IReadOnlyList<string> branches)
    {
        ListenerRuntime? best = null;
        var bestOverlap = 0;
        foreach (var j in _joins)
        {
            if (((JoinHandler)j.Handler).Spec.ExpectNames is not { } names)
            {
                continue;
            }
            var overlap = branches.Count(names.Contains);
            if (overlap > bestOverlap)
            {
                best = j;
                bestOverlap = overlap;
            }
        }
        return best;
    }

    /// <summary>The join with the smallest worst-case distance from every start, in declaration order on ties.</summary>
    private ListenerRuntime? Nearest(IReadOnlyList<string> starts, bool skipSelf = false)
    {
        var worst = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var j in _joins)
        {
            worst[j.Name] = 0;
        }
        foreach (var start in starts)
        {
            var dist = Distances(start, skipSelf);
            foreach (var j in _joins)
            {
                worst[j.Name] = dist.TryGetValue(j.Name, out var d) && worst[j.Name] >= 0 ? Math.Max(worst[j.Name], d) : -1;
            }
        }
        ListenerRuntime? best = null;
        foreach (var j in _joins)
        {
            if (worst[j.Name] >= 0 && (best is null || worst[j.Name] < worst[best.Name]))
            {
                best = j;
            }
        }
        return best;
    }

    private Dictionary<string, int> Distances(string start, bool skipSelf)
    {
        var dist = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        if (skipSelf)
        {
            foreach (var next in _edges.GetValueOrDefault(start) ?? [])
            {
                if (dist.TryAdd(next, 1))
                    queue.Enqueue(next);
            }
        }
        else
        {
            dist[start] = 0;
            queue.Enqueue(start);
        }
        while (queue.TryDequeue(out var at))
        {
            foreach (var next in _edges.GetValueOrDefault(at) ?? [])
            {
                if (dist.TryAdd(next, dist[at] + 1))
                    queue.Enqueue(next);
            }
        }
        return dist;
    }
}
