using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs.Stores;
using Nextra.Modules.Triggers;
using Nextra.Modules.Triggers.Stores;

namespace Nextra.Modules.Runs;

/// <summary>Execution history, replay (whole run or one step) and cancel.</summary>
internal static class RunsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/flows/{id}/runs", ListAsync).RequireAuthorization(AuthPolicies.Reader).WithTags("Runs")
            .WithName("ListRuns").WithSummary("A flow's runs, newest first; filter by status and time, page with before.");
        var runs = app.MapGroup("/api/runs/{id}").RequireAuthorization(AuthPolicies.Reader).WithTags("Runs");
        runs.MapGet("", GetAsync).WithName("GetRun").WithSummary("A run with every step (live while it runs).");
        runs.MapPost("/replay", ReplayAsync).RequireAuthorization(AuthPolicies.Editor)
            .WithName("ReplayRun").WithSummary("Run the flow again with the recorded injection.");
        runs.MapPost("/steps/{n:int}/replay", ReplayStepAsync).RequireAuthorization(AuthPolicies.Editor)
            .WithName("ReplayStep").WithSummary("Re-run one listener with the input it got at step n.");
        runs.MapPost("/cancel", CancelAsync).RequireAuthorization(AuthPolicies.Editor)
            .WithName("CancelRun").WithSummary("Cancel a queued or running run.");
    }

    internal static async Task<IResult> ListAsync(string id, string? status, string? before, DateTimeOffset? since, DateTimeOffset? until, int? limit,
        ICurrentUser user, IFlowCatalog catalog, TraceStore traces, FlowSupervisor supervisor, CancellationToken ct)
    {
        var flow = await catalog.GetAsync(user.TenantId, id, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        return TypedResults.Ok(traces.List(id, status, before, since, until, limit ?? 50));
    }

    internal static IResult GetAsync(string id, ICurrentUser user, TraceStore traces, FlowSupervisor supervisor, InboxStore inbox)
    {
        var tenant = user.TenantId;
        if (traces.FindOwner(id) is { } owner)
            return owner.TenantId == tenant ? TypedResults.Ok(traces.Get(id)) : throw ApiException.NotFound("Run");
        if (supervisor.FindActive(id) is { } handle && supervisor.FlowOfActive(id) is { } flowId && inbox.Find(id) is { } live && live.TenantId == tenant)
            return TypedResults.Ok(RunView.From(flowId, live.Source, handle.Record));
        if (inbox.Find(id) is { } pending && pending.TenantId == tenant)
            return TypedResults.Ok(new RunView { RunId = id, FlowId = pending.FlowId, Trigger = pending.Source, Status = "pending", StartedAt = pending.CreatedAt });
        // The run may have finished between the first look and now: its trace is written before its inbox
        // row is removed, so a second look at the traces cannot miss it.
        if (traces.FindOwner(id) is { } finished && finished.TenantId == tenant)
            return TypedResults.Ok(traces.Get(id));
        throw ApiException.NotFound("Run");
    }

    internal static async Task<IResult> ReplayAsync(string id, double? wait, ICurrentUser user, TraceStore traces, IFlowCatalog catalog,
        FlowSupervisor supervisor, TriggerIntake intake, Tiers.ExecutionMeter meter, TimeProvider time, CancellationToken ct)
    {
        var owner = traces.FindOwner(id);
        if (owner is null || owner.Value.TenantId != user.TenantId || traces.GetInjection(id) is not { } injection) throw ApiException.NotFound("Run");
        var item = NewItem(owner.Value, $"replay:{id}", injection.Target, injection.PayloadClass, injection.PayloadXml, injection.PayloadJson, time);
        await EnsureRunningAsync(owner.Value, catalog, supervisor, meter, time, ct).ConfigureAwait(false);
        return await intake.AcceptAsync(item, wait, ct).ConfigureAwait(false);
    }

    internal static async Task<IResult> ReplayStepAsync(string id, int n, double? wait, ICurrentUser user, TraceStore traces, IFlowCatalog catalog,
        FlowSupervisor supervisor, TriggerIntake intake, Tiers.ExecutionMeter meter, TimeProvider time, CancellationToken ct)
    {
        var owner = traces.FindOwner(id);
        if (owner is null || owner.Value.TenantId != user.TenantId) throw ApiException.NotFound("Run");
        var step = traces.Get(id)!.Steps.FirstOrDefault(s => s.Index == n) ?? throw ApiException.NotFound("Step");
        if (step.PayloadIn is null) throw ApiException.BadRequest(ErrorCodes.BadRequest, "That step has no recorded input.");
        var item = NewItem(owner.Value, $"replay:{id}:step:{n}", step.Listener, step.Class, step.PayloadIn, null, time);
        await EnsureRunningAsync(owner.Value, catalog, supervisor, meter, time, ct).ConfigureAwait(false);
        return await intake.AcceptAsync(item, wait, ct).ConfigureAwait(false);
    }

    internal static IResult CancelAsync(string id, ICurrentUser user, TraceStore traces, FlowSupervisor supervisor, InboxStore inbox)
    {
        var pending = inbox.Find(id);
        if (pending is not null && pending.TenantId != user.TenantId) throw ApiException.NotFound("Run");
        if (pending is null)
        {
            var owner = traces.FindOwner(id);
            if (owner is null || owner.Value.TenantId != user.TenantId) throw ApiException.NotFound("Run");
            throw ApiException.Conflict("The run has already finished.");
        }
        supervisor.CancelRun(id, pending: true);
        return TypedResults.Accepted((string?)null);
    }

    private static InboxItem NewItem((string TenantId, string FlowId) owner, string source, string? target, string? payloadClass, string? xml, string? json,
        TimeProvider time) => new()
    {
        Id = RunIds.New(time), TenantId = owner.TenantId, FlowId = owner.FlowId, Source = source, Target = target, PayloadClass = payloadClass,
        PayloadXml = xml, PayloadJson = json, CreatedAt = time.GetUtcNow(),
    };

    private static async Task EnsureRunningAsync((string TenantId, string FlowId) owner, IFlowCatalog catalog, FlowSupervisor supervisor,
        Tiers.ExecutionMeter meter, TimeProvider time, CancellationToken ct)
    {
        if (supervisor.AcceptingTenant(owner.FlowId) is not null) return;
        await meter.EnsureAvailableAsync(owner.TenantId, time.GetUtcNow(), ct).ConfigureAwait(false); // 429 before starting a stopped flow
        var flow = await catalog.GetAsync(owner.TenantId, owner.FlowId, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        var status = await supervisor.StartAsync(flow, ct).ConfigureAwait(false);
        if (status.Status != FlowStatuses.Running) throw ApiException.Conflict($"The flow could not start: {status.Error}");
    }
}
