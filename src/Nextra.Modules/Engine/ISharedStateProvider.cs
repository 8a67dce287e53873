using System.Collections.Concurrent;
using Nextra.Pump.Memory;
using Nextra.Modules.Common;

namespace Nextra.Modules.Engine;

/// <summary>
/// The engine's shared state (<see cref="ISharedBackend"/>: context buffers, thread registry, join state) of each
/// flow, kept outside the pump so it outlives one (sleep and wake; hosted, an instance). Embedded: one in-memory
/// backend per flow in this process; hosted: Redis under <c>tenant:{id}:flow:{id}:…</c>.
/// </summary>
public interface ISharedStateProvider
{
    ISharedBackend For(string tenantId, string flowId);
}

/// <summary>The embedded <see cref="ISharedStateProvider"/>: one <see cref="InMemorySharedBackend"/> per flow.</summary>
[ModuleContract("the embedded implementation of a seam; the Cluster module's one switch selects it when no Redis is configured")]
public sealed class InMemorySharedStateProvider : ISharedStateProvider
{
    private readonly ConcurrentDictionary<(string, string), InMemorySharedBackend> _backends = new();

    public ISharedBackend For(string tenantId, string flowId) => _backends.GetOrAdd((tenantId, flowId), _ => new InMemorySharedBackend());
}
