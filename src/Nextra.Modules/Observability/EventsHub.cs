using Microsoft.AspNetCore.SignalR;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Runs;

namespace Nextra.Modules.Observability;

/// <summary>
/// Live events, scoped to the caller's tenant: groups are named with the tenant id taken from the
/// connection's claims, and a flow or run is checked to belong to that tenant before joining.
/// Every connection also joins its tenant's group (flow status of all its flows).
/// Server-to-client calls are the methods of <see cref="IEventsClient"/>, made through the hand-written typed
/// <see cref="EventsClient"/>: a <c>Hub&lt;IEventsClient&gt;</c> needs a runtime-generated proxy, which Native AOT
/// publishing refuses; the contract is the same and checked by the compiler.
/// </summary>
public sealed class EventsHub(IFlowCatalog catalog, IRunQueries runs, HubPresence presence) : Hub
{
    internal static string TenantGroup(string tenantId) => $"t:{tenantId}";
    internal static string FlowGroup(string tenantId, string flowId) => $"t:{tenantId}:f:{flowId}";
    internal static string RunGroup(string tenantId, string runId) => $"t:{tenantId}:r:{runId}";

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, TenantGroup(Tenant)).ConfigureAwait(false);
        presence.Connected();
        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        presence.Disconnected();
        return base.OnDisconnectedAsync(exception);
    }

    public async Task WatchFlow(string flowId)
    {
        if (await catalog.GetAsync(Tenant, flowId, Context.ConnectionAborted).ConfigureAwait(false) is null) throw new HubException("not_found: flow");
        await Groups.AddToGroupAsync(Context.ConnectionId, FlowGroup(Tenant, flowId)).ConfigureAwait(false);
    }

    public Task UnwatchFlow(string flowId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, FlowGroup(Tenant, flowId));

    public async Task WatchRun(string runId)
    {
        if (await runs.FindAsync(Tenant, runId, Context.ConnectionAborted).ConfigureAwait(false) is null) throw new HubException("not_found: run");
        await Groups.AddToGroupAsync(Context.ConnectionId, RunGroup(Tenant, runId)).ConfigureAwait(false);
    }

    public Task UnwatchRun(string runId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, RunGroup(Tenant, runId));

    private string Tenant => Context.User?.FindFirst(NextraClaims.TenantId)?.Value ?? throw new HubException("unauthorized");
}
