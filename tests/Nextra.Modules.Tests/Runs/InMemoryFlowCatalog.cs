using System.Collections.Concurrent;
using Nextra.Modules.Flows;

namespace Nextra.Modules.Tests.Runs;

/// <summary>The flows table, in memory (the real one belongs to the Flows module).</summary>
internal sealed class InMemoryFlowCatalog : IFlowCatalog
{
    public ConcurrentDictionary<string, FlowSnapshot> Flows { get; } = new();

    public FlowSnapshot Add(string id, string yaml, string tenant = "t1", string status = "stopped") =>
        Flows[id] = new FlowSnapshot(id, tenant, id, yaml, 1, status);

    public void SetYaml(string id, string yaml) => Flows[id] = Flows[id] with { OrganismYaml = yaml, Version = Flows[id].Version + 1 };

    public Task<FlowSnapshot?> GetAsync(string tenantId, string flowId, CancellationToken ct) =>
        Task.FromResult(Flows.TryGetValue(flowId, out var f) && f.TenantId == tenantId ? f : null);

    public Task<FlowSnapshot?> FindForWebhookAsync(string flowId, CancellationToken ct) =>
        Task.FromResult(Flows.TryGetValue(flowId, out var f) ? f : null);

    public Task<bool> SetStatusAsync(string tenantId, string flowId, string status, CancellationToken ct)
    {
        if (!Flows.TryGetValue(flowId, out var f) || f.TenantId != tenantId) return Task.FromResult(false);
        Flows[flowId] = f with { Status = status };
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<FlowSnapshot>> ListByStatusAsync(string status, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FlowSnapshot>>(Flows.Values.Where(f => f.Status == status).ToList());
}
