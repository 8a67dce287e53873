using System.Collections.Concurrent;

namespace Nextra.Pump.Memory;

/// <summary>The gather half of <see cref="InMemorySharedBackend"/>: one locked record per gather, the same semantics a Redis script gives.</summary>
internal sealed class InMemoryGathers
{
    private readonly ConcurrentDictionary<string, Gather> _gathers = new(StringComparer.Ordinal);

    public GatherState Open(string id, int slots, long deadline, string epoch)
    {
        var g = _gathers.GetOrAdd(id, static (_, a) => new Gather(a.slots, a.deadline, a.epoch), (slots, deadline, epoch));
        lock (g)
        {
            if (g.Epoch != epoch)
            {
                g.Epoch = epoch;
                g.Closed = false;
                g.Cursor = 0;
            }
            return new GatherState(g.Slots, g.Deadline, g.Closed, new Dictionary<int, byte[]>(g.Values));
        }
    }

    public GatherFillResult Fill(string id, int slot, byte[] value)
    {
        if (!_gathers.TryGetValue(id, out var g))
        {
            return new GatherFillResult(false, true, 0, 0);
        }
        lock (g)
        {
            if (g.Closed || slot < 0 || slot >= g.Slots)
            {
                return new GatherFillResult(false, g.Closed, g.Values.Count, g.Slots);
            }
            var accepted = g.Values.TryAdd(slot, value);
            return new GatherFillResult(accepted, false, g.Values.Count, g.Slots);
        }
    }

    public int ClaimNext(string id)
    {
        if (!_gathers.TryGetValue(id, out var g))
        {
            return -1;
        }
        lock (g)
        {
            if (g.Closed)
            {
                return -1;
            }
            while (g.Cursor < g.Slots && g.Values.ContainsKey(g.Cursor))
            {
                g.Cursor++;
            }
            return g.Cursor < g.Slots ? g.Cursor++ : -1;
        }
    }

    public IReadOnlyList<byte[]?>? Close(string id)
    {
        if (!_gathers.TryGetValue(id, out var g))
        {
            return null;
        }
        lock (g)
        {
            if (g.Closed)
            {
                return null;
            }
            g.Closed = true;
            var all = new byte[]?[g.Slots];
            foreach (var (i, v) in g.Values)
            {
                all[i] = v;
            }
            return all;
        }
    }

    public bool Delete(string id) => _gathers.TryRemove(id, out _);

    public int Count => _gathers.Count;

    private sealed class Gather(int slots, long deadline, string epoch)
    {
        public int Slots { get; } = slots;
        public long Deadline { get; } = deadline;
        public string Epoch { get; set; } = epoch;
        public bool Closed { get; set; }
        public int Cursor { get; set; }
        public Dictionary<int, byte[]> Values { get; } = [];
    }
}
