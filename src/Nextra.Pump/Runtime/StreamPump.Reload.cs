using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Runtime;

public sealed partial class StreamPump
{
    private static readonly ListenerDefinition BootDefinition = new()
    {
        Name = BootListener, Description = "Receives the Boot message when the pump starts", PayloadClass = BuiltInPayloads.Boot, Handler = "system",
    };

    /// <summary>Parses YAML with this pump's handler kinds and reloads; bad YAML leaves the pump unchanged.</summary>
    public ReloadReport ReloadYaml(string yaml)
    {
        var loaded = FlowLoader.Load(yaml, _registry);
        return loaded.Flow is null
            ? Failed(loaded.Problems)
            : Reload(loaded.Flow);
    }

    public ReloadReport Reload(FlowDefinition next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var current = _state;
        PumpState built;
        try
        {
            built = BuildState(next, current, out var problems);
            if (problems.Count > 0)
            {
                return Failed(problems);
            }
            // Validate the new tables against the new peers before anything is swapped.
            var probe = new Routing.PeerTableRegistry(n => built.ByName.TryGetValue(n, out var l) ? l.Def.Peers : null);
            probe.RegisterAll(next.PeerTables);
        }
        catch (PumpException ex)
        {
            return Failed([new ValidationProblem(0, 0, ex.Code, ex.Message)]);
        }
        var oldByName = current.ByName;
        var added = new List<string>();
        var updated = new List<string>();
        foreach (var l in built.Listeners.Where(l => !l.IsSystem))
        {
            if (!oldByName.TryGetValue(l.Name, out var old))
            {
                added.Add(l.Name);
            }
            else if (old.Signature != l.Signature)
            {
                updated.Add(l.Name);
            }
        }
        var removed = current.Listeners.Where(l => !l.IsSystem && !built.ByName.ContainsKey(l.Name)).Select(l => l.Name).ToList();
        lock (_lifecycle)
        {
            _state = built;
            Interlocked.Increment(ref _reloads);
            PeerTables.SetYamlPeers(n => _state.ByName.TryGetValue(n, out var l) ? l.Def.Peers : null);
            PeerTables.Reset();
            PeerTables.RegisterAll(next.PeerTables);
        }
        Log("info", $"reloaded '{next.Name}': +{added.Count} -{removed.Count} ~{updated.Count}");
        return new ReloadReport(true, added, removed, updated, []);
    }

    private static ReloadReport Failed(IReadOnlyList<ValidationProblem> problems) => new(false, [], [], [], problems);

    /// <summary>Builds the routing snapshot, reusing unchanged listeners' handlers from <paramref name="previous"/>.</summary>
    private PumpState BuildState(FlowDefinition flow, PumpState? previous, out List<ValidationProblem> problems)
    {
        problems = [];
        var schemas = InjectionPayload.SchemasOf(flow);
        var schemaDict = schemas.All;
        var list = new List<ListenerRuntime>();
        foreach (var def in flow.Listeners)
        {
            var schema = schemas.Find(def.PayloadClass);
            if (schema is null)
            {
                problems.Add(new(def.Line, def.Column, "unknown_payload_class", $"listener '{def.Name}' uses undeclared payload class '{def.PayloadClass}'"));
                continue;
            }
            var factory = _registry.Find(def.Handler);
            if (factory is null)
            {
                problems.Add(new(def.Line, def.Column, HandlerRegistry.IsKnownKind(def.Handler) ? "handler_unavailable" : "unknown_handler",
                    $"listener '{def.Name}' uses handler kind '{def.Handler}', which this host does not provide"));
                continue;
            }
            var probe = new ListenerRuntime(def, OutputHandler.Instance, schema, flow.MaxConcurrentPerAgent);
            if (previous is not null && previous.ByName.TryGetValue(def.Name, out var old) && old.Signature == probe.Signature)
            {
                list.Add(old);
                continue;
            }
            try
            {
                var handler = factory.Create(new HandlerCreateContext { Flow = flow, Listener = def, Schemas = schemaDict, Services = _services });
                list.Add(new ListenerRuntime(def, handler, schema, flow.MaxConcurrentPerAgent));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var code = ex is HandlerException he ? he.Code : "handler_create_failed";
                problems.Add(new(def.Line, def.Column, code, $"listener '{def.Name}': the {def.Handler} handler could not be built: {ex.Message}"));
            }
        }
        if (problems.Count > 0 && previous is null)
        {
            throw new PumpException(problems[0].Code, string.Join("; ", problems.Select(p => p.Message)));
        }
        var boot = previous?.ByName.GetValueOrDefault(BootListener)
            ?? new ListenerRuntime(BootDefinition, SystemBootHandler.Instance, schemas.Find(BuiltInPayloads.Boot)!, 1, isSystem: true);
        list.Add(boot);
        return new PumpState(flow, schemas, list);
    }

    /// <summary>system.boot: receives Boot and ends the chain.</summary>
    private sealed class SystemBootHandler : IHandler
    {
        public static SystemBootHandler Instance { get; } = new();

        public ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct) => new(HandlerResult.End);
    }
}
