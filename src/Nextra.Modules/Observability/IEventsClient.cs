using Nextra.Modules.Runs;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Observability;

/// <summary>Client methods of the <c>/hubs/events</c> hub (docs/api.md).</summary>
public interface IEventsClient
{
    Task RunUpdated(RunSummary run);
    Task StepUpdated(string runId, RunStep step);
    Task Token(string runId, int stepIndex, string listener, string text);
    Task FlowStatus(string flowId, string status, string? error);
    Task Log(string flowId, LogLine line);
}
