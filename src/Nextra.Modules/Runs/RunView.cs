using Nextra.Pump.Runs;
using Nextra.Modules.Common;

namespace Nextra.Modules.Runs;

/// <summary>The <c>Run</c> object of the API: the run record <c>nextra run</c> prints plus flow and trigger.</summary>
[ModuleContract("the API's Run object, which triggers answer with and signals carry")]
public sealed class RunView
{
    public required string RunId { get; init; }
    public required string FlowId { get; init; }
    public required string Trigger { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public long DurationMs { get; init; }
    public List<RunOutput> Outputs { get; init; } = [];
    public List<RunStep> Steps { get; init; } = [];
    public StepError? Error { get; init; }
    /// <summary>The W3C trace id of the run's span (the caller's trace when the request carried a <c>traceparent</c>).</summary>
    public string? TraceId { get; init; }

    public static RunView From(string flowId, string trigger, RunRecord run, string? traceParent = null) => new()
    {
        RunId = run.RunId, FlowId = flowId, Trigger = trigger, Status = run.Status, StartedAt = run.StartedAt,
        DurationMs = run.DurationMs, Outputs = [.. run.Outputs], Steps = [.. run.Steps], Error = run.Error,
        TraceId = TraceParents.TraceIdOf(traceParent),
    };
}
