using Nextra.Pump.Runs;

namespace Nextra.Modules.Runs;

/// <summary>A finished run to record, with what is needed to replay it.</summary>
public sealed record TraceEntry(string TenantId, string FlowId, string Trigger, RecordedInjection Injection, RunRecord Run)
{
    /// <summary>A run that ended (its trace adds it to its SLA minute, see <see cref="ITraceStore.SaveAsync"/>).</summary>
    public static bool IsFinal(string status) => status is "succeeded" or "failed" or "cancelled";

    /// <summary>When the run ended: its start plus its duration (the minute its SLA rollup counts it in).</summary>
    public static DateTimeOffset FinishedAt(RunRecord run) => run.StartedAt + TimeSpan.FromMilliseconds(run.DurationMs);
}

/// <summary>The injection a run started from (replay re-sends it).</summary>
/// <param name="TraceParent">The W3C trace context of the request that started the run (the run object's <c>traceId</c>).</param>
public sealed record RecordedInjection(string? Target, string? PayloadClass, string? PayloadXml, string? PayloadJson, string? TraceParent = null);

/// <summary>One line of a flow's log, with the flow it belongs to.</summary>
public sealed record FlowLogEntry(string TenantId, string FlowId, DateTimeOffset At, string Level, string Message);
