using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Triggers;

/// <summary>Replay (a whole run or one step) and cancel: new injections and requests against the inbox.</summary>
internal static class RunControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/runs/{id}").WithTags("Runs");
        runs.MapPost("/replay", ReplayAsync).WithName("ReplayRun").WithSummary("Run the flow again with the recorded injection.");
        runs.MapPost("/steps/{n:int}/replay", ReplayStepAsync).WithName("ReplayStep").WithSummary("Re-run one listener with the input it got at step n.");
        runs.MapPost("/cancel", CancelAsync).WithName("CancelRun").WithSummary("Cancel a queued or running run.");
    }

    internal static async Task<IResult> ReplayAsync(string id, double? wait, ICurrentUser user, ITraceStore traces, IFlowCatalog catalog,
        RunningFlows flows, FlowSupervisor supervisor, TriggerIntake intake, ExecutionMeter meter, TimeProvider time, CancellationToken ct)
    {
        var run = await traces.GetSummaryAsync(user.TenantId, id, ct).ConfigureAwait(false);
        if (run is null || await traces.GetInjectionAsync(user.TenantId, id, ct).ConfigureAwait(false) is not { } injection) throw ApiException.NotFound("Run");
        var flow = await catalog.GetAsync(user.TenantId, run.FlowId, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        await TriggerEndpoints.EnsureRunningAsync(flow, flows, supervisor, meter, time, ct).ConfigureAwait(false);
        var request = NewRequest(flow, RunSource.ForReplay(id), injection.Target, injection.PayloadClass, injection.PayloadXml, injection.PayloadJson, time);
        return await intake.AcceptAsync(request, wait, ct).ConfigureAwait(false);
    }

    internal static async Task<IResult> ReplayStepAsync(string id, int n, double? wait, ICurrentUser user, ITraceStore traces, IFlowCatalog catalog,
        RunningFlows flows, FlowSupervisor supervisor, TriggerIntake intake, ExecutionMeter meter, TimeProvider time, CancellationToken ct)
    {
        var run = await traces.GetAsync(user.TenantId, id, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Run");
        var step = run.Steps.FirstOrDefault(s => s.Index == n) ?? throw ApiException.NotFound("Step");
        if (step.PayloadIn is null) throw ApiException.BadRequest(ErrorCodes.BadRequest, "That step has no recorded input.");
        var flow = await catalog.GetAsync(user.TenantId, run.FlowId, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        await TriggerEndpoints.EnsureRunningAsync(flow, flows, supervisor, meter, time, ct).ConfigureAwait(false);
        var request = NewRequest(flow, RunSource.ForReplay($"{id}:step:{n}"), step.Listener, step.Class, step.PayloadIn, null, time);
        return await intake.AcceptAsync(request, wait, ct).ConfigureAwait(false);
    }

    internal static async Task<IResult> CancelAsync(string id, ICurrentUser user, ITraceStore traces, IInboxStore inbox, IRunSignals signals, CancellationToken ct)
    {
        var pending = await inbox.FindAsync(user.TenantId, id, ct).ConfigureAwait(false);
        if (pending is null || !await inbox.RequestCancelAsync(user.TenantId, id, ct).ConfigureAwait(false))
        {
            if (await traces.GetSummaryAsync(user.TenantId, id, ct).ConfigureAwait(false) is null) throw ApiException.NotFound("Run");
            throw ApiException.Conflict("The run has already finished.");
        }
        // Recorded in the row (a new owner sees it after a takeover), and signalled to whoever runs the flow now.
        await signals.CancelRequestedAsync(new RunSignal(user.TenantId, pending.FlowId, id), ct).ConfigureAwait(false);
        return TypedResults.Accepted((string?)null);
    }

    private static RunRequest NewRequest(FlowSnapshot flow, RunSource source, string? target, string? payloadClass, string? xml, string? json,
        TimeProvider time) => new()
    {
        Id = RunIds.New(time), TenantId = flow.TenantId, FlowId = flow.Id, Source = source, Target = target, PayloadClass = payloadClass,
        PayloadXml = xml, PayloadJson = json, CreatedAt = time.GetUtcNow(),
    };
}
