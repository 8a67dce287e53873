using Nextra.Pump.Config;
using Nextra.Pump.Runtime;

namespace Nextra.Pump.Routing;

/// <summary>
/// Peer tables (xml-pipeline §2.5): named, subtract-only privilege tiers. A table's entry for a listener
/// can never exceed its ceiling: the parent table's entry for that listener, or the listener's YAML peers
/// when there is no parent (an unknown listener has an empty ceiling). Grants are ceiling-checked,
/// revokes always succeed; changes apply from the next dispatch.
/// </summary>
public sealed class PeerTableRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Table> _tables = new(StringComparer.Ordinal);
    private Func<string, IReadOnlyList<string>?> _yamlPeers;
    private int _version;

    public PeerTableRegistry(Func<string, IReadOnlyList<string>?> yamlPeers) => _yamlPeers = yamlPeers;

    /// <summary>Bumped on every change, so cached usage instructions know to rebuild.</summary>
    public int Version => Volatile.Read(ref _version);

    public bool Exists(string name)
    {
        lock (_lock)
        {
            return _tables.ContainsKey(name);
        }
    }

    public IReadOnlyCollection<string> Names
    {
        get
        {
            lock (_lock)
            {
                return _tables.Keys.ToList();
            }
        }
    }

    internal void SetYamlPeers(Func<string, IReadOnlyList<string>?> yamlPeers)
    {
        lock (_lock)
        {
            _yamlPeers = yamlPeers;
            _version++;
        }
    }

    /// <summary>Drops every table (hot reload re-registers the YAML ones; runtime grants and revokes are reset).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _tables.Clear();
            _version++;
        }
    }

    /// <summary>Registers a table. Throws <see cref="PumpException"/>: <c>duplicate_peer_table</c>, <c>unknown_parent</c>, <c>peer_table_ceiling</c>.</summary>
    public void Register(string name, string? parent, IReadOnlyDictionary<string, IReadOnlyList<string>> peers)
    {
        lock (_lock)
        {
            if (_tables.ContainsKey(name))
            {
                throw new PumpException("duplicate_peer_table", $"peer table '{name}' already exists");
            }
            if (parent is not null && !_tables.ContainsKey(parent))
            {
                throw new PumpException("unknown_parent", $"peer table '{name}' names unknown parent '{parent}'");
            }
            var table = new Table(parent);
            foreach (var (listener, list) in peers)
            {
                var ceiling = CeilingLocked(parent, listener);
                foreach (var p in list)
                {
                    if (!ceiling.Contains(p))
                    {
                        throw new PumpException("peer_table_ceiling", $"peer table '{name}' cannot let '{listener}' reach '{p}': above its ceiling");
                    }
                }
                table.Peers[listener] = [.. list];
            }
            _tables[name] = table;
            _version++;
        }
    }

    /// <summary>Registers YAML tables parents first. Throws <c>peer_table_cycle</c> for cycles and self-parents.</summary>
    public void RegisterAll(IEnumerable<PeerTableDefinition> tables)
    {
        var pending = tables.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.FirstOrDefault(t => t.Parent is null || Exists(t.Parent));
            if (ready is null)
            {
                var names = pending.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
                var dangling = pending.FirstOrDefault(t => !names.Contains(t.Parent!));
                throw dangling is not null
                    ? new PumpException("unknown_parent", $"peer table '{dangling.Name}' names unknown parent '{dangling.Parent}'")
                    : new PumpException("peer_table_cycle", $"peer tables {string.Join(", ", names)} form a parent cycle");
            }
            Register(ready.Name, ready.Parent, ready.Peers);
            pending.Remove(ready);
        }
    }

    /// <summary>Lets <paramref name="listener"/> reach <paramref name="peer"/> in a table; <c>peer_table_ceiling</c> when above the ceiling.</summary>
    public void Grant(string table, string listener, string peer)
    {
        lock (_lock)
        {
            var t = _tables.GetValueOrDefault(table) ?? throw new PumpException("unknown_peer_table", $"no peer table '{table}'");
            if (!CeilingLocked(t.Parent, listener).Contains(peer))
            {
                throw new PumpException("peer_table_ceiling", $"peer table '{table}' cannot let '{listener}' reach '{peer}': above its ceiling");
            }
            if (!t.Peers.TryGetValue(listener, out var list))
            {
                t.Peers[listener] = list = [];
            }
            if (!list.Contains(peer))
            {
                list.Add(peer);
            }
            _version++;
        }
    }

    /// <summary>Removes a peer; always succeeds (no-op when absent or the table is unknown).</summary>
    public void Revoke(string table, string listener, string peer)
    {
        lock (_lock)
        {
            if (_tables.TryGetValue(table, out var t) && t.Peers.TryGetValue(listener, out var list))
            {
                list.Remove(peer);
            }
            _version++;
        }
    }

    /// <summary>The listener's peers in a table (empty when the table has no entry for it), or null when the table is unknown.</summary>
    public IReadOnlyList<string>? PeersOf(string table, string listener)
    {
        lock (_lock)
        {
            return _tables.TryGetValue(table, out var t) ? (t.Peers.TryGetValue(listener, out var l) ? [.. l] : []) : null;
        }
    }

    private IReadOnlyList<string> CeilingLocked(string? parent, string listener)
    {
        if (parent is null)
        {
            return _yamlPeers(listener) ?? [];
        }
        return _tables.TryGetValue(parent, out var p) && p.Peers.TryGetValue(listener, out var l) ? l : [];
    }

    private sealed class Table(string? parent)
    {
        public string? Parent { get; } = parent;
        public Dictionary<string, List<string>> Peers { get; } = new(StringComparer.Ordinal);
    }
}
