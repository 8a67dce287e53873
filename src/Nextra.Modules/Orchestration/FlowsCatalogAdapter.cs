using FlowsCatalog = Nextra.Modules.Flows.IFlowCatalog;

namespace Nextra.Modules.Orchestration;

/// <summary>Orchestration's catalog over the Flows module's (the flows table).</summary>
internal sealed class FlowsCatalogAdapter(FlowsCatalog flows) : IFlowCatalog
{
    public async Task<FlowInfo?> GetAsync(string tenantId, string flowId, CancellationToken ct) =>
        await flows.GetAsync(tenantId, flowId, ct).ConfigureAwait(false) is { } f ? new FlowInfo(f.Id, f.TenantId, f.Name, f.OrganismYaml, f.Version, f.Status) : null;

    public Task<bool> SetStatusAsync(string tenantId, string flowId, string status, CancellationToken ct) => flows.SetStatusAsync(tenantId, flowId, status, ct);

    public async Task<IReadOnlyList<FlowInfo>> ListByStatusAsync(string status, CancellationToken ct) =>
        (await flows.ListByStatusAsync(status, ct).ConfigureAwait(false)).Select(f => new FlowInfo(f.Id, f.TenantId, f.Name, f.OrganismYaml, f.Version, f.Status)).ToList();
}
