using Nextra.Pump.Config;
using Nextra.Pump.Messages;

namespace Nextra.Pump.Runtime;

/// <summary>An immutable routing snapshot; hot reload swaps the whole object.</summary>
internal sealed class PumpState
{
    public PumpState(FlowDefinition flow, PayloadSchemaSet schemas, IReadOnlyList<ListenerRuntime> listeners)
    {
        Flow = flow;
        Schemas = schemas;
        Listeners = listeners;
        ByName = listeners.ToDictionary(l => l.Name, StringComparer.Ordinal);
        ByClass = listeners.Where(l => !l.IsSystem).GroupBy(l => l.Def.PayloadClass, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        Joins = new Parallel.JoinBinder(listeners);
    }

    /// <summary>Which join collects a fan-out's branches.</summary>
    public Parallel.JoinBinder Joins { get; }

    public FlowDefinition Flow { get; }
    public PayloadSchemaSet Schemas { get; }
    public IReadOnlyList<ListenerRuntime> Listeners { get; }
    public Dictionary<string, ListenerRuntime> ByName { get; }
    public Dictionary<string, ListenerRuntime[]> ByClass { get; }

    /// <summary>
    /// Class-only routing (DESIGN §3): every listener of the class with <c>broadcast: true</c>, else the
    /// single listener of the class; null with a reason otherwise.
    /// </summary>
    public ListenerRuntime[]? RouteByClass(string className, out string? error)
    {
        error = null;
        if (!ByClass.TryGetValue(className, out var all) || all.Length == 0)
        {
            error = $"No listener for: {className.ToLowerInvariant()} (no listener accepts {className})";
            return null;
        }
        var broadcast = all.Where(l => l.Def.Broadcast).ToArray();
        if (broadcast.Length > 0)
        {
            return broadcast;
        }
        if (all.Length == 1)
        {
            return all;
        }
        error = $"{all.Length} listeners accept {className} ({string.Join(", ", all.Select(l => l.Name))}) and none is broadcast; address one with 'to'";
        return null;
    }
}
