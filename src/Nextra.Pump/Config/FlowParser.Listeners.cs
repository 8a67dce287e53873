using System.Text.Json.Nodes;
using Nextra.Pump.Config.Yaml;

namespace Nextra.Pump.Config;

internal sealed partial class FlowParser
{
    private static readonly string[] ListenerKeys =
        ["name", "description", "payload_class", "handler", "agent", "peers", "broadcast", "prompt", "timeout_seconds", "config"];

    private static readonly Dictionary<string, string> ListenerLibraryKeys = new()
    {
        ["trusted"] = "every handler runs in-process under the pump's limits; custom code runs as WASM",
        ["handler_sha256"] = "handlers are kinds, not Python files; pin WASM modules by version instead",
        ["cpu_bound"] = "the key had no effect in xml-pipeline",
    };

    /// <summary>Peer lists by listener with their nodes, checked once every listener is known.</summary>
    private readonly List<(ListenerDefinition Listener, YNode? PeersNode, YNode? ClassNode, YNode? HandlerNode)> _listenerRefs = [];

    /// <summary>Where each listener's <c>config.fanout</c> is, checked once every listener is known.</summary>
    private readonly Dictionary<ListenerDefinition, YNode> _fanoutNodes = [];

    private List<ListenerDefinition> ParseListeners(YNode? node)
    {
        var list = new List<ListenerDefinition>();
        switch (node)
        {
            case null:
                return list;
            case YSequence seq:
                if (seq.Items.Count == 0)
                {
                    _p.Add(seq, "missing_field", "listeners is empty; a flow needs at least one listener");
                }
                var names = new Dictionary<string, YNode>(StringComparer.OrdinalIgnoreCase);
                foreach (var item in seq.Items)
                {
                    var l = ParseListener(item);
                    if (l is null)
                    {
                        continue;
                    }
                    if (names.TryGetValue(l.Name, out var first))
                    {
                        _p.Add(item, "duplicate_listener", $"listener '{l.Name}' is declared twice (first at line {first.Line}); names are unique, case-insensitively");
                        continue;
                    }
                    names[l.Name] = item;
                    list.Add(l);
                    var lm = (YMapping)item;
                    _listenerNodes[l] = (lm, lm.Get("config") as YMapping);
                    _listenerRefs.Add((l, lm.Get("peers"), lm.Get("payload_class"), lm.Get("handler")));
                    if ((lm.Get("config") as YMapping)?.Get("fanout") is { } fanoutNode)
                    {
                        _fanoutNodes[l] = fanoutNode;
                    }
                }
                return list;
            default:
                _p.Add(node, "invalid_type", "listeners must be a list of listener mappings");
                return list;
        }
    }

    private ListenerDefinition? ParseListener(YNode node)
    {
        if (node is not YMapping map)
        {
            _p.Add(node, "invalid_type", "each listener must be a mapping {name, description, payload_class, handler, …}");
            return null;
        }
        var label = map.Get("name") is YScalar { IsNull: false } ns ? $"listener '{ns.Value}'" : "a listener";
        YamlValues.CheckKeys(map, _p, label, ListenerKeys, ListenerLibraryKeys);
        var name = Required(map, "name", label);
        var description = Required(map, "description", label);
        var payloadClass = Required(map, "payload_class", label);
        var handler = Required(map, "handler", label);
        var agent = YamlValues.Bool(map.Get("agent"), _p, $"{label} agent");
        var peers = YamlValues.StringList(map.Get("peers"), _p, $"{label} peers");
        var broadcast = YamlValues.Bool(map.Get("broadcast"), _p, $"{label} broadcast");
        var prompt = YamlValues.String(map.Get("prompt"), _p, $"{label} prompt");
        var timeout = YamlValues.Number(map.Get("timeout_seconds"), _p, $"{label} timeout_seconds", 0.001, 24 * 3600);
        JsonObject? config = null;
        List<string> fanout = [];
        switch (map.Get("config"))
        {
            case null or YScalar { IsNull: true }:
                break;
            case YMapping cm:
                config = YamlValues.ToJsonObject(cm);
                // `fanout` is the pump's key, not the handler's: every kind accepts it and none sees it.
                if (cm.Get("fanout") is { } fanoutNode)
                {
                    fanout = YamlValues.StringList(fanoutNode, _p, $"{label} config.fanout");
                    config.Remove("fanout");
                }
                break;
            case var other:
                _p.Add(other, "invalid_type", $"{label} config must be a mapping");
                break;
        }
        if (name is not null && !ListenerNamePattern().IsMatch(name))
        {
            _p.Add(map.Get("name"), "invalid_name",
                $"listener name '{name}' must start with a letter and hold only letters, digits, '_' and '-' (dots are reserved for thread chains)");
            return null;
        }
        // A missing description is reported above but does not stop the checks of the rest of the listener (its
        // class, handler and peers), so one run of validate shows every problem of the document.
        if (name is null || payloadClass is null || handler is null)
        {
            return null;
        }
        if (name.Equals("system", StringComparison.OrdinalIgnoreCase))
        {
            _p.Add(map.Get("name"), "invalid_name", $"listener name '{name}' is reserved for the pump's own messages");
            return null;
        }
        var def = new ListenerDefinition
        {
            Name = name,
            Description = description ?? "",
            PayloadClass = payloadClass,
            Handler = handler,
            Agent = agent ?? false,
            Peers = peers,
            Broadcast = broadcast ?? false,
            Prompt = prompt,
            TimeoutSeconds = timeout ?? 30,
            Config = config,
            Fanout = fanout,
            Line = map.Line,
            Column = map.Column,
        };
        return def;
    }

    private string? Required(YMapping map, string key, string label)
    {
        var node = map.Get(key);
        var value = YamlValues.String(node, _p, $"{label} {key}");
        if (node is null || (value is null && node is YScalar))
        {
            _p.Add(node ?? map, "missing_field", $"{label} needs '{key}'");
            return null;
        }
        if (value is not null && value.Trim().Length == 0)
        {
            _p.Add(node, "missing_field", $"{label} has an empty '{key}'");
            return null;
        }
        return value;
    }
}
