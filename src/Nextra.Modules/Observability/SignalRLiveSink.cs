using Microsoft.AspNetCore.SignalR;
using Nextra.Modules.Runs;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Observability;

/// <summary>Sends live events to the hub's tenant-scoped groups; fire-and-forget (a slow client never slows a pump).</summary>
/// <remarks>The typed hub client (a runtime proxy) is not Native-AOT-safe; the server runs JIT. Publishing AOT would
/// need this sink to send through an untyped hub by method name instead.</remarks>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Typed hub clients by design (CONVENTIONS 11); JIT host.")]
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
