using Cronos;
using Nextra.Pump.Config.Yaml;

namespace Nextra.Pump.Config;

internal sealed partial class FlowParser
{
    private static readonly string[] TriggerKeys = ["name", "type", "target", "payload", "cron", "timezone", "missed_policy", "input", "rate_per_second", "burst", "max_body_bytes"];
    private static readonly string[] TriggerTypes = ["webhook", "schedule", "manual"];
    private readonly List<(TriggerDefinition Trigger, YMapping Node)> _triggerNodes = [];
    private readonly List<(PeerTableDefinition Table, YMapping Node)> _tableNodes = [];

    private List<TriggerDefinition> ParseTriggers(YNode? node)
    {
        var list = new List<TriggerDefinition>();
        if (node is null or YScalar { IsNull: true })
        {
            return list;
        }
        if (node is not YSequence seq)
        {
            _p.Add(node, "invalid_type", "triggers must be a list");
            return list;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in seq.Items)
        {
            if (item is not YMapping map)
            {
                _p.Add(item, "invalid_type", "each trigger must be a mapping {name, type, target, payload}");
                continue;
            }
            var label = map.Get("name") is YScalar { IsNull: false } ns ? $"trigger '{ns.Value}'" : "a trigger";
            YamlValues.CheckKeys(map, _p, label, TriggerKeys);
            var name = Required(map, "name", label);
            var type = Required(map, "type", label);
            var target = Required(map, "target", label);
            var payload = Required(map, "payload", label);
            var cron = YamlValues.String(map.Get("cron"), _p, $"{label} cron");
            var tz = YamlValues.String(map.Get("timezone"), _p, $"{label} timezone");
            var missed = YamlValues.String(map.Get("missed_policy"), _p, $"{label} missed_policy") ?? "skip";
            if (missed is not ("skip" or "run_once"))
            {
                _p.Add(map.Get("missed_policy"), "invalid_value", $"{label} missed_policy must be skip or run_once");
            }
            if (type is not null && !TriggerTypes.Contains(type))
            {
                _p.Add(map.Get("type"), "invalid_value", $"{label} type '{type}' is not one of webhook, schedule, manual");
                type = null;
            }
            if (type == "schedule")
            {
                if (cron is null)
                {
                    _p.Add(map, "missing_field", $"{label} is a schedule and needs 'cron', e.g. cron: \"0 3 * * *\"");
                }
                else if (CronProblem(cron) is { } why)
                {
                    _p.Add(map.Get("cron"), "bad_cron", $"{label} cron '{cron}' is invalid: {why}");
                }
            }
            else if (cron is not null && type is not null)
            {
                _p.Add(map.Get("cron"), "invalid_value", $"{label} has a cron but is a {type} trigger; set type: schedule");
            }
            if (tz is not null && !TimeZoneExists(tz))
            {
                _p.Add(map.Get("timezone"), "bad_timezone", $"{label} timezone '{tz}' is not a known IANA time zone (e.g. UTC, Europe/Paris)");
            }
            // Webhook limits of this trigger; the server's [triggers] settings are the defaults and the ceilings.
            var rate = YamlValues.Number(map.Get("rate_per_second"), _p, $"{label} rate_per_second", 0.001, 1e9);
            var burst = YamlValues.Number(map.Get("burst"), _p, $"{label} burst", 1, 1e9);
            var maxBody = YamlValues.Integer(map.Get("max_body_bytes"), _p, $"{label} max_body_bytes", 1, long.MaxValue);
            if (type is not null and not "webhook")
            {
                foreach (var key in new[] { "rate_per_second", "burst", "max_body_bytes" })
                {
                    if (map.Get(key) is { } limitNode)
                        _p.Add(limitNode, "invalid_value", $"{label} sets {key}, which only applies to webhook triggers");
                }
            }
            System.Text.Json.Nodes.JsonObject? input = null;
            switch (map.Get("input"))
            {
                case null or YScalar { IsNull: true }:
                    break;
                case YMapping im:
                    input = YamlValues.ToJsonObject(im);
                    break;
                case var other:
                    _p.Add(other, "invalid_type", $"{label} input must be a mapping of the payload's fields, e.g. input: {{Subject: nightly report}}");
                    break;
            }
            if (name is null || type is null || target is null || payload is null)
            {
                continue;
            }
            if (!names.Add(name))
            {
                _p.Add(map, "duplicate_trigger", $"trigger '{name}' is declared twice");
                continue;
            }
            var t = new TriggerDefinition
            {
                Name = name, Type = type, Target = target, Payload = payload, Cron = cron, Timezone = tz,
                MissedPolicy = missed, Input = input, RatePerSecond = rate, Burst = burst, MaxBodyBytes = maxBody, Line = map.Line, Column = map.Column,
            };
            _triggerNodes.Add((t, map));
            list.Add(t);
        }
        return list;
    }

    /// <summary>Null when the cron expression parses (5 fields, or 6 with seconds).</summary>
    internal static string? CronProblem(string cron)
    {
        try
        {
            var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            _ = CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return null;
        }
        catch (CronFormatException ex)
        {
            return ex.Message;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    private static bool TimeZoneExists(string id)
    {
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return false;
        }
    }

    private List<PeerTableDefinition> ParsePeerTables(YNode? node)
    {
        var list = new List<PeerTableDefinition>();
        if (node is null or YScalar { IsNull: true })
        {
            return list;
        }
        if (node is not YSequence seq)
        {
            _p.Add(node, "invalid_type", "peer_tables must be a list");
            return list;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in seq.Items)
        {
            if (item is not YMapping map)
            {
                _p.Add(item, "invalid_type", "each peer table must be a mapping {name, parent, entries}");
                continue;
            }
            var label = map.Get("name") is YScalar { IsNull: false } ns ? $"peer table '{ns.Value}'" : "a peer table";
            YamlValues.CheckKeys(map, _p, label, ["name", "parent", "entries"],
                new Dictionary<string, string> { ["os_user"] = "Nextra does not run handlers as OS users" });
            var name = Required(map, "name", label);
            var parent = YamlValues.String(map.Get("parent"), _p, $"{label} parent");
            var peers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            switch (map.Get("entries"))
            {
                case null or YScalar { IsNull: true }:
                    break;
                case YSequence entries:
                    foreach (var e in entries.Items)
                    {
                        if (e is not YMapping em)
                        {
                            _p.Add(e, "invalid_type", $"entries of {label} must be mappings {{listener, peers}}");
                            continue;
                        }
                        YamlValues.CheckKeys(em, _p, $"an entry of {label}", ["listener", "peers"]);
                        var listener = Required(em, "listener", $"an entry of {label}");
                        var lp = YamlValues.StringList(em.Get("peers"), _p, $"peers of {label}");
                        if (listener is null)
                        {
                            continue;
                        }
                        if (!peers.TryAdd(listener, lp))
                        {
                            _p.Add(em, "duplicate_key", $"{label} lists '{listener}' twice");
                        }
                    }
                    break;
                case var other:
                    _p.Add(other, "invalid_type", $"entries of {label} must be a list");
                    break;
            }
            if (name is null)
            {
                continue;
            }
            if (!ListenerNamePattern().IsMatch(name) || name == "system")
            {
                _p.Add(map.Get("name"), "invalid_name", $"peer table name '{name}' must be a simple name (letters, digits, '_', '-') other than 'system'");
                continue;
            }
            if (!names.Add(name))
            {
                _p.Add(map, "duplicate_peer_table", $"peer table '{name}' is declared twice");
                continue;
            }
            var table = new PeerTableDefinition { Name = name, Parent = parent, Peers = peers };
            _tableNodes.Add((table, map));
            list.Add(table);
        }
        return list;
    }
}
