using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;

namespace Nextra.Modules.Orchestration;

/// <summary>Start, stop, status and keep-alive of a flow.</summary>
internal static class OrchestrationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/flows/{id}").WithTags("Running");
        group.MapPost("/start", StartAsync).WithName("StartFlow")
            .WithSummary("Start the flow's pump; 403 over_plan_limit while the tenant runs as many flows as its plan allows.")
            .Produces<FlowStatusView>();
        group.MapPost("/stop", StopAsync).WithName("StopFlow")
            .WithSummary("Stop the flow: in-flight runs drain up to a bound, then are cancelled.").Produces<FlowStatusView>();
        group.MapGet("/status", StatusAsync).WithName("FlowStatus").WithSummary("The flow's lifecycle status and queue depth.").Produces<FlowStatusView>();
        group.MapPut("/keep-alive", KeepAliveAsync).WithName("SetKeepAlive")
            .WithSummary("Keep the flow awake (never idle-stopped); 403 quota_exceeded when the tier does not allow keep-alive.").Produces<FlowStatusView>();
    }

    internal static async Task<IResult> StartAsync(string id, ICurrentUser user, IFlowCatalog catalog, FlowSupervisor supervisor, CancellationToken ct)
    {
        var flow = await OwnedAsync(id, user, catalog, ct).ConfigureAwait(false);
        return TypedResults.Ok(await supervisor.StartWithinPlanAsync(flow, ct).ConfigureAwait(false));
    }

    internal static async Task<IResult> StopAsync(string id, ICurrentUser user, IFlowCatalog catalog, FlowSupervisor supervisor, CancellationToken ct)
    {
        var flow = await OwnedAsync(id, user, catalog, ct).ConfigureAwait(false);
        return TypedResults.Ok(await supervisor.StopAsync(flow.Id, flow.TenantId, ct).ConfigureAwait(false));
    }

    internal static async Task<IResult> StatusAsync(string id, ICurrentUser user, IFlowCatalog catalog, FlowSupervisor supervisor, CancellationToken ct)
    {
        await OwnedAsync(id, user, catalog, ct).ConfigureAwait(false);
        return TypedResults.Ok(await supervisor.StatusAsync(user.TenantId, id, ct).ConfigureAwait(false));
    }

    internal static async Task<IResult> KeepAliveAsync(string id, KeepAliveRequest body, ICurrentUser user, IFlowCatalog catalog,
        FlowSupervisor supervisor, CancellationToken ct)
    {
        await OwnedAsync(id, user, catalog, ct).ConfigureAwait(false);
        await supervisor.SetKeepAliveAsync(user.TenantId, id, body.KeepAlive, ct).ConfigureAwait(false);
        return TypedResults.Ok(await supervisor.StatusAsync(user.TenantId, id, ct).ConfigureAwait(false));
    }

    internal static async Task<FlowSnapshot> OwnedAsync(string id, ICurrentUser user, IFlowCatalog catalog, CancellationToken ct)
    {
        return await catalog.GetAsync(user.TenantId, id, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
    }
}

/// <summary><c>PUT /api/flows/{id}/keep-alive</c>.</summary>
public sealed record KeepAliveRequest(bool KeepAlive);
