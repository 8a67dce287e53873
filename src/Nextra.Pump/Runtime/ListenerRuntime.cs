using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Runtime;

/// <summary>A listener as the running pump holds it: definition, handler, schema, agent gate, cached peer views.</summary>
internal sealed class ListenerRuntime
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Version, IReadOnlyList<PeerInfo> Peers, string Usage)> _views = new(StringComparer.Ordinal);

    public ListenerRuntime(ListenerDefinition def, IHandler handler, IPayloadSchema schema, int perAgentCap, bool isSystem = false)
    {
        Def = def;
        Handler = handler;
        Schema = schema;
        IsSystem = isSystem;
        IsOutput = handler is OutputHandler;
        IsCollector = handler is Handlers.Parallel.JoinHandler or Handlers.Parallel.MapHandler or Handlers.Parallel.SequenceHandler;
        AgentGate = def.Agent ? new SemaphoreSlim(perAgentCap, perAgentCap) : null;
        Timeout = TimeSpan.FromSeconds(def.TimeoutSeconds);
        Signature = SignatureOf(def, schema);
    }

    public ListenerDefinition Def { get; }
    public string Name => Def.Name;
    public IHandler Handler { get; }
    public IPayloadSchema Schema { get; }
    public bool IsSystem { get; }
    public bool IsOutput { get; }
    /// <summary>A join, map or sequence: it receives its branches' answers whatever their class.</summary>
    public bool IsCollector { get; }
    public SemaphoreSlim? AgentGate { get; }
    public TimeSpan Timeout { get; }
    /// <summary>What hot reload compares to decide "updated".</summary>
    public string Signature { get; }

    /// <summary>Agents and listeners of class SystemError receive SystemError payloads (timeouts, routing refusals).</summary>
    public bool AcceptsSystemError => Def.Agent || Def.PayloadClass == BuiltInPayloads.SystemError;

    public bool Accepts(string className) => Def.PayloadClass == className || (className == BuiltInPayloads.SystemError && AcceptsSystemError);

    /// <summary>Peers and usage instructions for a peer table ("" = the YAML peers), rebuilt when the tables change.</summary>
    public (IReadOnlyList<PeerInfo> Peers, string Usage) View<TArg>(string table, int version, TArg arg, Func<TArg, IReadOnlyList<PeerInfo>> build)
    {
        lock (_lock)
        {
            if (_views.TryGetValue(table, out var v) && v.Version == version)
            {
                return (v.Peers, v.Usage);
            }
        }
        var peers = build(arg);
        var usage = Routing.UsageInstructions.Build(Name, Def.Description, peers);
        lock (_lock)
        {
            _views[table] = (version, peers, usage);
        }
        return (peers, usage);
    }

    private static string SignatureOf(ListenerDefinition d, IPayloadSchema schema) =>
        string.Join("\u001f", d.Handler, d.PayloadClass, d.Description, d.Agent, string.Join(",", d.Peers), d.Broadcast,
            d.Prompt ?? "", d.TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            d.Config?.ToJsonString() ?? "", string.Join(",", d.Fanout), schema.Xsd);
}
