using System.Diagnostics;
using System.Globalization;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Observability;

/// <summary>
/// The <c>Nextra</c> <see cref="ActivitySource"/>: one span per run and one per step. Runs execute inside a pump's queue,
/// away from the request that asked for them (and possibly on another instance), so the spans are written when the run's
/// trace commits, with the run's and the steps' own start times and durations, under the W3C <c>traceparent</c> the
/// request carried into the inbox (the incoming HTTP request span when there was one).
/// </summary>
public static class Tracing
{
    public const string SourceName = "Nextra";

    /// <summary>Static like every ActivitySource: listeners (the OpenTelemetry SDK) subscribe to it by name.</summary>
    public static readonly ActivitySource Source = new(SourceName, "1.0");

    /// <summary>What a run's span needs besides the run record.</summary>
    public readonly record struct RunScope(string TenantId, string FlowId, string Trigger, string? TraceParent);

    /// <summary>Writes the run's span and its steps' child spans (a no-op unless something listens to the source).</summary>
    public static void RecordRun(RunScope scope, RunRecord run)
    {
        if (!Source.HasListeners()) return;
        var parent = scope.TraceParent is not null && ActivityContext.TryParse(scope.TraceParent, null, out var parsed) ? parsed : default;
        var previous = Activity.Current;
        try
        {
            // Created without a current activity, so the parent is exactly the recorded context.
            Activity.Current = null;
            using var span = Source.StartActivity("run " + scope.FlowId, ActivityKind.Internal, parent, startTime: run.StartedAt);
            if (span is null) return;
            span.SetTag("nextra.tenant", scope.TenantId);
            span.SetTag("nextra.flow", scope.FlowId);
            span.SetTag("nextra.run", run.RunId);
            span.SetTag("nextra.trigger", scope.Trigger);
            span.SetTag("nextra.status", run.Status);
            span.SetTag("nextra.steps", run.Steps.Count);
            if (run.Error is { } error)
            {
                span.SetTag("nextra.error_code", error.Code);
                span.SetStatus(ActivityStatusCode.Error, error.Message);
            }
            foreach (var step in run.Steps) RecordStep(scope, run, step, span.Context);
            span.SetEndTime((run.StartedAt + TimeSpan.FromMilliseconds(run.DurationMs)).UtcDateTime);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    private static void RecordStep(RunScope scope, RunRecord run, RunStep step, ActivityContext parent)
    {
        using var span = Source.StartActivity("step " + step.Listener, ActivityKind.Internal, parent, startTime: step.StartedAt);
        if (span is null) return;
        span.SetTag("nextra.tenant", scope.TenantId);
        span.SetTag("nextra.flow", scope.FlowId);
        span.SetTag("nextra.run", run.RunId);
        span.SetTag("nextra.step", step.Index);
        span.SetTag("nextra.listener", step.Listener);
        span.SetTag("nextra.class", step.Class);
        span.SetTag("nextra.thread", step.Thread);
        if (step.Fuel is { } fuel) span.SetTag("nextra.fuel", (long)fuel);
        if (step.PromptTokens is { } prompt) span.SetTag("nextra.tokens.prompt", prompt);
        if (step.CompletionTokens is { } completion) span.SetTag("nextra.tokens.completion", completion);
        if (step.CostUsd is { } cost) span.SetTag("nextra.cost_usd", cost.ToString(CultureInfo.InvariantCulture));
        if (step.Error is { } error)
        {
            span.SetTag("nextra.error_code", error.Code);
            span.SetStatus(ActivityStatusCode.Error, error.Message);
        }
        span.SetEndTime((step.StartedAt + TimeSpan.FromMilliseconds(step.DurationMs)).UtcDateTime);
    }
}
