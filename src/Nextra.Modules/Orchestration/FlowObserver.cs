using Nextra.Modules.Observability;
using Nextra.Modules.Runs;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runs;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Orchestration;

/// <summary>A pump's observer and run event sink: forwards to live events and metrics with the flow's tenant.</summary>
internal sealed class FlowObserver(FlowSlot slot, ILiveEvents events, Metrics metrics, TimeProvider time) : IPumpObserver, IRunEventSink
{
    public void RunStarted(RunRecord run, Injection injection)
    {
        if (slot.Pump is not { ActiveRuns: > 1 }) slot.Progress(time);
        events.Publish(new RunUpdatedEvent(slot.TenantId, slot.FlowId,
            new RunSummary(run.RunId, slot.FlowId, injection.Source, run.Status, run.StartedAt, 0, 0, null)));
    }

    public void StepCompleted(RunRecord run, RunStep step)
    {
        slot.Progress(time);
        metrics.StepFinished(slot.FlowId, step.DurationMs / 1000.0);
        events.Publish(new StepUpdatedEvent(slot.TenantId, slot.FlowId, run.RunId, step));
    }

    public void StepStarted(RunRecord run, RunStep step) => events.Publish(new StepUpdatedEvent(slot.TenantId, slot.FlowId, run.RunId, step));

    public void Log(string level, string message) => events.Log(slot.TenantId, slot.FlowId, level, message, time);

    public void Token(string runId, int stepIndex, string listener, string text) =>
        events.Publish(new TokenEvent(slot.TenantId, slot.FlowId, runId, stepIndex, listener, text));

    public void Log(string runId, int stepIndex, string listener, string level, string message) =>
        events.Log(slot.TenantId, slot.FlowId, level, $"[{listener} #{stepIndex} run {runId}] {message}", time);
}
