using Nextra.Modules.Runs;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Observability;

/// <summary>Where live events go (the SignalR hub, tests). Called on pump threads: must not block.</summary>
public interface ILiveEventSink
{
    void FlowStatus(string tenantId, string flowId, string status, string? error);
    void RunUpdated(string tenantId, RunSummary run);
    void StepUpdated(string tenantId, string flowId, string runId, RunStep step);
    void Token(string tenantId, string flowId, string runId, int stepIndex, string listener, string text);
    void Log(string tenantId, string flowId, LogLine line);
}
