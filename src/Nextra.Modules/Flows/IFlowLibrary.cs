using Nextra.Pump.Config;

namespace Nextra.Modules.Flows;

/// <summary>
/// The saved flows of a tenant as other modules use them (the marketplace creates flows from templates, tools and
/// modules refuse to go while a flow uses them). Reads and creates go through the flow service, so quotas,
/// validation and the change events apply as they do over the API.
/// </summary>
public interface IFlowLibrary
{
    Task<IReadOnlyList<FlowResponse>> ListAsync(string tenantId, CancellationToken ct);

    /// <summary>The flow, or a 404 ApiException.</summary>
    Task<FlowResponse> GetAsync(string tenantId, string id, CancellationToken ct);

    /// <summary>Every problem of the document (empty when it is valid for this tenant).</summary>
    Task<IReadOnlyList<ValidationProblem>> ValidateAsync(string tenantId, string? yaml, CancellationToken ct);

    /// <summary>Creates a stopped flow (422 when invalid, 403 over the plan's flow limit).</summary>
    Task<FlowResponse> CreateAsync(string tenantId, string createdBy, FlowRequest body, CancellationToken ct);
}

internal sealed class FlowLibrary(FlowService flows) : IFlowLibrary
{
    public async Task<IReadOnlyList<FlowResponse>> ListAsync(string tenantId, CancellationToken ct) =>
        [.. (await flows.ListAsync(tenantId, ct).ConfigureAwait(false)).Select(FlowsEndpoints.ToResponse)];

    public async Task<FlowResponse> GetAsync(string tenantId, string id, CancellationToken ct) =>
        FlowsEndpoints.ToResponse(await flows.GetAsync(tenantId, id, ct).ConfigureAwait(false));

    public Task<IReadOnlyList<ValidationProblem>> ValidateAsync(string tenantId, string? yaml, CancellationToken ct) =>
        flows.ValidateAsync(tenantId, yaml, ct);

    public async Task<FlowResponse> CreateAsync(string tenantId, string createdBy, FlowRequest body, CancellationToken ct) =>
        FlowsEndpoints.ToResponse(await flows.CreateAsync(tenantId, createdBy, body, ct).ConfigureAwait(false));
}
