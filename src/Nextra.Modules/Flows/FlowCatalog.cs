using System.Globalization;
using Nextra.Modules.Flows.Stores;

namespace Nextra.Modules.Flows;

/// <summary>
/// <see cref="IFlowCatalog"/> straight over the flows table. Kept apart from <see cref="FlowService"/>, which tells
/// the change handlers (the orchestration among them) about saves: the orchestration reads flows through this, so
/// the two never depend on each other.
/// </summary>
internal sealed class FlowCatalog(IFlowStore store) : IFlowCatalog
{
    public async Task<FlowSnapshot?> GetAsync(string tenantId, string flowId, CancellationToken ct) =>
        await store.GetAsync(tenantId, flowId, ct).ConfigureAwait(false) is { } row ? Snapshot(row) : null;

    public Task<bool> SetStatusAsync(string tenantId, string flowId, string status, CancellationToken ct) =>
        store.SetStatusAsync(tenantId, flowId, status, ct);

    public async Task<FlowSnapshot?> FindForWebhookAsync(string flowId, CancellationToken ct) =>
        await store.FindByIdAsync(flowId, ct).ConfigureAwait(false) is { } row ? Snapshot(row) : null;

    public async Task<IReadOnlyList<FlowSnapshot>> ListByStatusAsync(string status, CancellationToken ct) =>
        (await store.ListByStatusAsync(status, ct).ConfigureAwait(false)).Select(Snapshot).ToList();

    public async Task<IReadOnlyList<FlowSnapshot>> ListForTenantAsync(string tenantId, CancellationToken ct) =>
        (await store.ListAsync(tenantId, ct).ConfigureAwait(false)).Select(Snapshot).ToList();

    private static FlowSnapshot Snapshot(FlowRow row) => new(row.Id, row.TenantId, row.Name, row.OrganismYaml, row.Version, row.Status)
    {
        UpdatedAt = DateTimeOffset.TryParse(row.UpdatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : default,
    };
}
