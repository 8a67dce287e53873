using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Nextra.Modules.Observability;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Runs.Stores;
using Nextra.Modules.Tiers;
using Nextra.Modules.Triggers.Stores;

namespace Nextra.Modules.Triggers;

/// <summary>
/// The one path every injection takes (webhook, manual, replay): commit the inbox row, hand it
/// to the flow, answer 202 with the run id, or with <c>?wait=</c> the finished run (504 when
/// the wait runs out).
/// </summary>
public sealed class TriggerIntake(InboxStore inbox, FlowSupervisor supervisor, RunWaiters waiters, TraceStore traces, Metrics metrics,
    ExecutionMeter meter, IOptions<TriggersOptions> options)
{
    public async Task<IResult> AcceptAsync(InboxItem item, double? waitSeconds, CancellationToken ct)
    {
        // The tier's monthly executions: 429 quota_exceeded before anything is written.
        await meter.ReserveAsync(item.TenantId, item.CreatedAt, ct).ConfigureAwait(false);
        var wait = waitSeconds is > 0 ? TimeSpan.FromSeconds(Math.Min(waitSeconds.Value, options.Value.MaxWaitSeconds)) : (TimeSpan?)null;
        var done = wait is null ? null : waiters.Register(item.Id);
        try
        {
            await inbox.AddAsync(item).ConfigureAwait(false);
        }
        catch
        {
            meter.Release(item.TenantId, item.CreatedAt);
            waiters.Forget(item.Id);
            throw;
        }
        supervisor.Enqueue(item);
        var colon = item.Source.IndexOf(':', StringComparison.Ordinal);
        metrics.Increment("nextra_triggers_total", Metrics.Labels(("type", colon > 0 ? item.Source[..colon] : item.Source)));
        var accepted = new RunAccepted(item.Id);
        if (done is null) return TypedResults.Json(accepted, RuntimeJsonContext.Default.RunAccepted, statusCode: StatusCodes.Status202Accepted);
        try
        {
            var run = await done.WaitAsync(wait!.Value, ct).ConfigureAwait(false);
            return TypedResults.Ok(run);
        }
        catch (TimeoutException)
        {
            waiters.Forget(item.Id);
            // It may have finished between the timeout and the forget.
            return traces.Get(item.Id) is { } run ? TypedResults.Ok(run) : TypedResults.Json(accepted, RuntimeJsonContext.Default.RunAccepted, statusCode: StatusCodes.Status504GatewayTimeout);
        }
        catch (OperationCanceledException)
        {
            waiters.Forget(item.Id);
            throw;
        }
    }
}

/// <summary>202/504 body: the id of the acknowledged run.</summary>
public sealed record RunAccepted(string RunId);
