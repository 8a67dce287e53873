using Microsoft.AspNetCore.SignalR;
using Nextra.Modules.Runs;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Observability;

/// <summary>Sends live events to the hub's tenant-scoped groups; fire-and-forget (a slow client never slows a pump).</summary>
internal sealed class SignalRLiveSink(IHubContext<EventsHub, IEventsClient> hub) : ILiveEventSink
{
    public void FlowStatus(string tenantId, string flowId, string status, string? error)
    {
        Forget(hub.Clients.Group(EventsHub.TenantGroup(tenantId)).FlowStatus(flowId, status, error));
    }

    public void RunUpdated(string tenantId, RunSummary run) =>
        Forget(hub.Clients.Groups(EventsHub.FlowGroup(tenantId, run.FlowId), EventsHub.RunGroup(tenantId, run.RunId)).RunUpdated(run));

    public void StepUpdated(string tenantId, string flowId, string runId, RunStep step) =>
        Forget(hub.Clients.Groups(EventsHub.FlowGroup(tenantId, flowId), EventsHub.RunGroup(tenantId, runId)).StepUpdated(runId, step));

    public void Token(string tenantId, string flowId, string runId, int stepIndex, string listener, string text) =>
        Forget(hub.Clients.Group(EventsHub.RunGroup(tenantId, runId)).Token(runId, stepIndex, listener, text));

    public void Log(string tenantId, string flowId, LogLine line) =>
        Forget(hub.Clients.Group(EventsHub.FlowGroup(tenantId, flowId)).Log(flowId, line));

    private static void Forget(Task send)
    {
        if (!send.IsCompleted) send.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
    }
}
