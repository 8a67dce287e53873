using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Observability;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Triggers;

/// <summary>
/// The one path every injection takes (webhook, schedule, manual, replay): commit the inbox row, hand it to the
/// flow (this instance's dispatch loop when it runs the flow, else a wake-up for the instance that does), answer 202
/// with the run id, or with <c>?wait=</c> the finished run (504 when the wait runs out).
/// </summary>
public sealed class TriggerIntake(IInboxStore inbox, IFlowRuntime supervisor, IFlowOwnership ownership, IRunSignals signals, ITraceStore traces,
    Metrics metrics, IExecutionMeter meter, HeldRuns held, IOptions<TriggersOptions> options)
{
    /// <summary>The <c>?answer=</c> values: the full run (the default) or the run's output payload alone.</summary>
    public const string AnswerRun = "run", AnswerOutput = "output";

    public async Task<IResult> AcceptAsync(RunRequest request, double? waitSeconds, CancellationToken ct, string? answer = null)
    {
        var outputOnly = OutputOnly(answer);
        // The tier's monthly executions: 429 quota_exceeded before anything is written.
        await meter.ReserveAsync(request.TenantId, request.CreatedAt, ct).ConfigureAwait(false);
        return await AcceptReservedAsync(request, waitSeconds, outputOnly, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A webhook's injection (R10): at 100% of the month's executions it is held, not refused (202 with
    /// <c>X-Nextra-Held: quota</c>, not counted, not run until released; 429 once the tenant's held runs are full).
    /// </summary>
    public async Task<IResult> AcceptWebhookAsync(RunRequest request, double? waitSeconds, HttpContext http, CancellationToken ct, string? answer = null)
    {
        var outputOnly = OutputOnly(answer);
        if (!await meter.TryReserveAsync(request.TenantId, request.CreatedAt, ct).ConfigureAwait(false))
        {
            if (request.TraceParent is null) request = request with { TraceParent = TraceParents.CurrentOrNew() };
            return await held.HoldAsync(request, http, ct).ConfigureAwait(false);
        }
        return await AcceptReservedAsync(request, waitSeconds, outputOnly, ct).ConfigureAwait(false);
    }

    private static bool OutputOnly(string? answer) => answer switch
    {
        null or "" or AnswerRun => false,
        AnswerOutput => true,
        _ => throw ApiException.BadRequest(ErrorCodes.BadRequest, $"answer must be '{AnswerRun}' (the default: the run object) or '{AnswerOutput}' (the output payload alone)."),
    };

    private async Task<IResult> AcceptReservedAsync(RunRequest request, double? waitSeconds, bool outputOnly, CancellationToken ct)
    {
        LatencyProbe.Mark(request.Id, "03 quota reserve");
        var wait = waitSeconds is > 0 ? TimeSpan.FromSeconds(Math.Min(waitSeconds.Value, options.Value.MaxWaitSeconds)) : (TimeSpan?)null;
        // Registered before the row is handed on, so the finish cannot be missed.
        using var waiter = wait is null ? null : signals.WaitFor(request.TenantId, request.Id);
        await AppendAndDispatchAsync(request, ct).ConfigureAwait(false);
        metrics.TriggerAccepted(request.Source.Kind);
        metrics.Usage(UsageUnits.Execution, 1);
        var accepted = new RunAccepted(request.Id);
        if (waiter is null) return TypedResults.Json(accepted, TriggersJsonContext.Default.RunAccepted, statusCode: StatusCodes.Status202Accepted);
        try
        {
            var finished = await waiter.Completion.WaitAsync(wait!.Value, ct).ConfigureAwait(false);
            LatencyProbe.Mark(request.Id, "12 finished signal to the waiter");
            return outputOnly ? OutputOf(finished) : TypedResults.Ok(finished);
        }
        catch (TimeoutException)
        {
            // It may have finished between the timeout and now.
            return await traces.GetAsync(request.TenantId, request.Id, ct).ConfigureAwait(false) is { } run
                ? outputOnly ? OutputOf(run) : TypedResults.Ok(run)
                : TypedResults.Json(accepted, TriggersJsonContext.Default.RunAccepted, statusCode: StatusCodes.Status504GatewayTimeout);
        }
    }

    /// <summary>
    /// <c>?answer=output</c>: a succeeded run answers 200 with its output's payload (a JSON array of them when it had
    /// several), 204 when it had none; a run that failed or was cancelled answers problem+json <c>run_failed</c> (500)
    /// with the run id and the error, so the caller can look the run up.
    /// </summary>
    internal static IResult OutputOf(RunView run)
    {
        if (run.Status != "succeeded")
        {
            var ex = new ApiException(500, RunFailed, "Run failed",
                $"Run {run.RunId} ended {run.Status}" + (run.Error is { } e ? $": {e.Code}: {e.Message}" : "") + "; GET /api/runs/" + run.RunId + " shows its steps.");
            ex.Extensions["runId"] = run.RunId;
            ex.Extensions["runStatus"] = run.Status;
            if (run.Error is { } error) ex.Extensions["errorCode"] = error.Code;
            throw ex;
        }
        if (run.Outputs.Count == 0) return TypedResults.NoContent();
        string json;
        if (run.Outputs.Count == 1) json = run.Outputs[0].Payload.ToJsonString();
        else
        {
            var sb = new System.Text.StringBuilder("[");
            for (var i = 0; i < run.Outputs.Count; i++) sb.Append(i == 0 ? "" : ",").Append(run.Outputs[i].Payload.ToJsonString());
            json = sb.Append(']').ToString();
        }
        return TypedResults.Text(json, "application/json; charset=utf-8", System.Text.Encoding.UTF8);
    }

    /// <summary>Problem code of <c>?answer=output</c> for a run that did not complete.</summary>
    public const string RunFailed = "run_failed";

    /// <summary>Commits the row (the execution is already reserved, and given back when the write fails) and hands it on.</summary>
    internal async Task AppendAndDispatchAsync(RunRequest request, CancellationToken ct)
    {
        // The request's span (which honoured an incoming traceparent) becomes the parent of the run's span.
        if (request.TraceParent is null) request = request with { TraceParent = TraceParents.CurrentOrNew() };
        var mine = ownership.TryGetLease(request.FlowId, out var fence);
        try
        {
            await inbox.AppendAsync(request, ownership.PartitionOf(request.FlowId), mine ? fence : null, ct).ConfigureAwait(false);
            LatencyProbe.Mark(request.Id, "04 inbox append commit");
        }
        catch
        {
            await meter.ReleaseAsync(request.TenantId, request.CreatedAt, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        if (mine) supervisor.Enqueue(request, fence);
        else await signals.WakeFlowAsync(new FlowSignal(request.TenantId, request.FlowId), CancellationToken.None).ConfigureAwait(false);
    }
}

/// <summary>202/504 body: the id of the acknowledged run.</summary>
public sealed record RunAccepted(string RunId);
