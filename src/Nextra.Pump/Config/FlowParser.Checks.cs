using System.Text.RegularExpressions;
using Nextra.Pump.Config.Yaml;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Config;

internal sealed partial class FlowParser
{
    private void CheckReferences(FlowDefinition flow)
    {
        var byName = flow.Listeners.ToDictionary(l => l.Name, StringComparer.Ordinal);
        foreach (var (l, peersNode, classNode, _) in _listenerRefs)
        {
            if (!flow.Payloads.ContainsKey(l.PayloadClass) && !_brokenClasses.Contains(l.PayloadClass))
            {
                var near = YamlValues.Nearest(l.PayloadClass, flow.Payloads.Keys);
                _p.Add(classNode, "unknown_payload_class",
                    $"listener '{l.Name}' uses payload class '{l.PayloadClass}', which is not declared under payloads{(near is null ? "" : $"; did you mean '{near}'?")}");
            }
            for (var i = 0; i < l.Peers.Count; i++)
            {
                var peer = l.Peers[i];
                if (!byName.ContainsKey(peer))
                {
                    var at = peersNode is YSequence s && i < s.Items.Count ? s.Items[i] : peersNode;
                    var near = YamlValues.Nearest(peer, byName.Keys);
                    _p.Add(at, "unknown_peer", $"listener '{l.Name}' names peer '{peer}', which is no listener{(near is null ? "" : $"; did you mean '{near}'?")}");
                }
            }
        }
        foreach (var (l, node) in _fanoutNodes)
        {
            CheckFanout(l, node, byName);
        }
        foreach (var (t, node) in _triggerNodes)
        {
            if (!byName.TryGetValue(t.Target, out var target))
            {
                var near = YamlValues.Nearest(t.Target, byName.Keys);
                _p.Add(node.Get("target"), "unknown_target", $"trigger '{t.Name}' targets '{t.Target}', which is no listener{(near is null ? "" : $"; did you mean '{near}'?")}");
            }
            if (_brokenClasses.Contains(t.Payload))
            {
                // reported where the class is declared
            }
            else if (!flow.Payloads.ContainsKey(t.Payload))
            {
                _p.Add(node.Get("payload"), "unknown_payload_class", $"trigger '{t.Name}' sends payload class '{t.Payload}', which is not declared under payloads");
            }
            else if (target is not null && target.PayloadClass != t.Payload)
            {
                _p.Add(node.Get("payload"), "payload_mismatch",
                    $"trigger '{t.Name}' sends '{t.Payload}' but listener '{target.Name}' accepts '{target.PayloadClass}'");
            }
            else if (t.Input is { } input && InputProblem(flow.Payloads[t.Payload], input) is { } why)
            {
                _p.Add(node.Get("input"), "payload_invalid", $"trigger '{t.Name}' input does not fit '{t.Payload}': {why}");
            }
        }
        CheckPeerTables(flow, byName);
    }

    private void CheckFanout(ListenerDefinition l, YNode node, Dictionary<string, ListenerDefinition> byName)
    {
        if (l.Handler is "output" or "branch" && l.Fanout.Count > 0)
        {
            _p.Add(node, "invalid_value", l.Handler == "output"
                ? $"listener '{l.Name}' is an output: it ends its chain and has nothing to fan out"
                : $"listener '{l.Name}' is a branch: it chooses one listener; fan out from another listener (handler: fanout)");
        }
        for (var i = 0; i < l.Fanout.Count; i++)
        {
            var target = l.Fanout[i];
            if (!byName.ContainsKey(target))
            {
                var at = node is YSequence s && i < s.Items.Count ? s.Items[i] : node;
                var near = YamlValues.Nearest(target, byName.Keys);
                _p.Add(at, "unknown_target", $"listener '{l.Name}' fans out to '{target}', which is no listener{(near is null ? "" : $"; did you mean '{near}'?")}");
            }
        }
    }

    /// <summary>Null when the trigger's input maps onto its payload class and the result validates.</summary>
    private static string? InputProblem(PayloadClassDefinition payload, System.Text.Json.Nodes.JsonObject input)
    {
        try
        {
            var schema = new Messages.PayloadSchema(payload);
            return schema.Validate(schema.FromJson(input));
        }
        catch (Exception ex) // the loader never throws: whatever the mapping rejects is a problem here
        {
            return ex.Message;
        }
    }

    private void CheckPeerTables(FlowDefinition flow, Dictionary<string, ListenerDefinition> byName)
    {
        var tables = _tableNodes.ToDictionary(t => t.Table.Name, StringComparer.Ordinal);
        foreach (var (table, node) in _tableNodes)
        {
            if (table.Parent is not null && !tables.ContainsKey(table.Parent))
            {
                _p.Add(node.Get("parent"), "unknown_parent", $"peer table '{table.Name}' names parent '{table.Parent}', which is no peer table");
            }
            // Walk the parent chain; meeting a table twice is a cycle (self-parent included).
            var seen = new HashSet<string>(StringComparer.Ordinal) { table.Name };
            for (var cur = table.Parent; cur is not null && tables.TryGetValue(cur, out var parent); cur = parent.Table.Parent)
            {
                if (!seen.Add(cur))
                {
                    _p.Add(node.Get("parent"), "peer_table_cycle", $"peer table '{table.Name}' is its own ancestor ({string.Join(" → ", seen)} → {cur})");
                    break;
                }
            }
            var entries = node.Get("entries") as YSequence;
            foreach (var (listener, peers) in table.Peers)
            {
                var entryNode = entries?.Items.OfType<YMapping>().FirstOrDefault(e => (e.Get("listener") as YScalar)?.Value == listener);
                if (!byName.TryGetValue(listener, out var def))
                {
                    _p.Add(entryNode?.Get("listener") ?? node, "unknown_peer", $"peer table '{table.Name}' has an entry for '{listener}', which is no listener");
                    continue;
                }
                IReadOnlyList<string> ceiling = table.Parent is null
                    ? def.Peers
                    : tables.TryGetValue(table.Parent, out var p) && p.Table.Peers.TryGetValue(listener, out var pp) ? pp : [];
                foreach (var peer in peers)
                {
                    if (!byName.ContainsKey(peer))
                    {
                        _p.Add(entryNode?.Get("peers") ?? node, "unknown_peer", $"peer table '{table.Name}' lets '{listener}' reach '{peer}', which is no listener");
                    }
                    else if (!ceiling.Contains(peer))
                    {
                        var from = table.Parent is null ? $"the peers of listener '{listener}'" : $"parent table '{table.Parent}'";
                        _p.Add(entryNode?.Get("peers") ?? node, "peer_table_ceiling",
                            $"peer table '{table.Name}' grants '{listener}' → '{peer}', which {from} does not allow; a table can only narrow its ceiling");
                    }
                }
            }
        }
    }

    private void CheckHandlers(FlowDefinition flow)
    {
        foreach (var (l, _, _, handlerNode) in _listenerRefs)
        {
            var factory = _registry.Find(l.Handler);
            if (factory is null)
            {
                if (HandlerRegistry.IsKnownKind(l.Handler))
                {
                    _p.Add(handlerNode, "handler_unavailable", $"listener '{l.Name}' uses handler kind '{l.Handler}', which this host does not provide");
                }
                else
                {
                    var near = YamlValues.Nearest(l.Handler, [.. HandlerRegistry.BuiltInKinds, .. HandlerRegistry.ExternalKinds]);
                    _p.Add(handlerNode, "unknown_handler",
                        $"listener '{l.Name}' uses unknown handler kind '{l.Handler}'; kinds are {string.Join(", ", HandlerRegistry.BuiltInKinds.Concat(HandlerRegistry.ExternalKinds))}{(near is null ? "" : $" (did you mean '{near}'?)")}");
                }
                continue;
            }
            IEnumerable<HandlerConfigProblem> found;
            try
            {
                found = factory.Validate(new HandlerValidationContext { Flow = flow, Listener = l }).ToList();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                found = [new HandlerConfigProblem("handler_validation_failed", $"the {l.Handler} handler could not check its config: {ex.Message}")];
            }
            var (listenerNode, configNode) = _listenerNodes[l];
            foreach (var problem in found)
            {
                // A key starting with '/' names a listener key (e.g. "/peers"), not a config key.
                var at = (problem.Key is ['/', .. var own] ? (listenerNode as YMapping)?.Get(own) : Locate(configNode, problem.Key))
                    ?? (YNode?)configNode ?? listenerNode;
                _p.Add(at, problem.Code, $"listener '{l.Name}': {problem.Message}");
            }
        }
    }

    [GeneratedRegex(@"([^.\[\]]+)|\[(\d+)\]")]
    private static partial Regex KeySegment();

    /// <summary>Finds the node a config key path (<c>cases[0].if</c>) points at, or its nearest existing ancestor.</summary>
    internal static YNode? Locate(YMapping? config, string? key)
    {
        if (config is null || string.IsNullOrEmpty(key))
        {
            return null;
        }
        YNode current = config;
        foreach (Match m in KeySegment().Matches(key))
        {
            YNode? next = null;
            if (m.Groups[1].Success && current is YMapping map)
            {
                var entry = map.Entries.FirstOrDefault(e => e.Key.Value == m.Groups[1].Value);
                // Point at the value, or at the key itself when the value is a nested block.
                next = entry.Key is null ? null : entry.Value is YScalar ? entry.Value : entry.Key;
                if (entry.Key is not null && entry.Value is not YScalar)
                {
                    current = entry.Value;
                    continue;
                }
            }
            else if (m.Groups[2].Success && current is YSequence seq && int.TryParse(m.Groups[2].Value, out var i) && i < seq.Items.Count)
            {
                next = seq.Items[i];
            }
            if (next is null)
            {
                return current;
            }
            current = next;
        }
        return current;
    }
}
