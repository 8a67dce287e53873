using Microsoft.AspNetCore.SignalR;
using Nextra.Modules.Runs;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Observability;

/// <summary>
/// Sends live events to the hub's tenant-scoped groups, fire-and-forget (a slow client never slows a pump),
/// and not at all while no client is connected. It sends through the hub's lifetime manager by the
/// <see cref="IEventsClient"/> method names rather than the typed client proxy, which Native AOT cannot build.
/// </summary>
internal sealed class SignalRLiveSink(HubLifetimeManager<EventsHub> hub, HubPresence presence) : ILiveEventSink
{
    public void FlowStatus(string tenantId, string flowId, string status, string? error) =>
        Send([EventsHub.TenantGroup(tenantId)], nameof(IEventsClient.FlowStatus), flowId, status, error);

    public void RunUpdated(string tenantId, RunSummary run) =>
        Send([EventsHub.FlowGroup(tenantId, run.FlowId), EventsHub.RunGroup(tenantId, run.RunId)], nameof(IEventsClient.RunUpdated), run);

    public void StepUpdated(string tenantId, string flowId, string runId, RunStep step) =>
        Send([EventsHub.FlowGroup(tenantId, flowId), EventsHub.RunGroup(tenantId, runId)], nameof(IEventsClient.StepUpdated), runId, step);

    public void Token(string tenantId, string flowId, string runId, int stepIndex, string listener, string text) =>
        Send([EventsHub.RunGroup(tenantId, runId)], nameof(IEventsClient.Token), runId, stepIndex, listener, text);

    public void Log(string tenantId, string flowId, LogLine line) =>
        Send([EventsHub.FlowGroup(tenantId, flowId)], nameof(IEventsClient.Log), flowId, line);

    private void Send(IReadOnlyList<string> groups, string method, params object?[] args)
    {
        if (!presence.Anyone) return;
        var send = groups.Count == 1 ? hub.SendGroupAsync(groups[0], method, args) : hub.SendGroupsAsync(groups, method, args);
        if (!send.IsCompleted) send.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
    }
}
