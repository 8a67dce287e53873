using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
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
        runs.MapPost("/replay", ReplayAsync).WithName("ReplayRun").WithSummary("Run the flow again with the recorded injection.")
            .Produces<RunView>(StatusCodes.Status200OK).Produces<RunAccepted>(StatusCodes.Status202Accepted).Produces<RunAccepted>(StatusCodes.Status504GatewayTimeout);
        runs.MapPost("/steps/{n:int}/replay", ReplayStepAsync).WithName("ReplayStep")
            .WithSummary("Re-run one listener with the input it got at step n, or with {payload} instead (test one node).")
            .Produces<RunView>(StatusCodes.Status200OK).Produces<RunAccepted>(StatusCodes.Status202Accepted).Produces<RunAccepted>(StatusCodes.Status504GatewayTimeout);
        runs.MapPost("/cancel", CancelAsync).WithName("CancelRun").WithSummary("Cancel a queued or running run.")
            .Produces(StatusCodes.Status202Accepted);
    }

    internal static async Task<IResult> ReplayAsync(string id, double? wait, ICurrentUser user, ITraceStore traces, IFlowCatalog catalog,
        RunningFlows flows, IFlowRuntime supervisor, TriggerIntake intake, IExecutionMeter meter, TimeProvider time, CancellationToken ct)
    {
        var run = await traces.GetSummaryAsync(user.TenantId, id, ct).ConfigureAwait(false);
        if (run is null || await traces.GetInjectionAsync(user.TenantId, id, ct).ConfigureAwait(false) is not { } injection) throw ApiException.NotFound("Run");
        var flow = await catalog.GetAsync(user.TenantId, run.FlowId, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        await TriggerEndpoints.EnsureRunningAsync(flow, flows, supervisor, meter, time, ct).ConfigureAwait(false);
        var request = NewRequest(flow, RunSource.ForReplay(id), injection.Target, injection.PayloadClass, injection.PayloadXml, injection.PayloadJson, time);
        return await intake.AcceptAsync(request, wait, ct).ConfigureAwait(false);
    }

    internal static async Task<IResult> ReplayStepAsync(string id, int n, double? wait, HttpRequest http, ICurrentUser user, ITraceStore traces,
        IFlowCatalog catalog, RunningFlows flows, IFlowRuntime supervisor, IFlowCompiler compiler, TriggerIntake intake, IExecutionMeter meter,
        IOptions<TriggersOptions> options, TimeProvider time, CancellationToken ct)
    {
        // The body is optional (no body replays the recorded input), so it is read here rather than bound:
        // a bound JSON body would make routing refuse a bodiless POST.
        var body = http.HasJsonContentType() && http.ContentLength != 0
            ? await ReadBodyAsync(http, ct).ConfigureAwait(false)
            : null;
        var run = await traces.GetAsync(user.TenantId, id, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Run");
        var step = run.Steps.FirstOrDefault(s => s.Index == n) ?? throw ApiException.NotFound("Step");
        var flow = await catalog.GetAsync(user.TenantId, run.FlowId, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        // An edited payload replaces the recorded input: the step's listener runs alone with it (test one node).
        string? xml = step.PayloadIn, json = null;
        switch (body?.Payload.ValueKind)
        {
            case JsonValueKind.String: xml = body.Payload.GetString(); break;
            case JsonValueKind.Object: (xml, json) = (null, body.Payload.GetRawText()); break;
            case null or JsonValueKind.Undefined or JsonValueKind.Null: break;
            default: throw ApiException.BadRequest(ErrorCodes.BadRequest, "payload must be a JSON object or an XML string");
        }
        if (xml is null && json is null) throw ApiException.BadRequest(ErrorCodes.BadRequest, "That step has no recorded input; send {payload} to replay it with one.");
        if (body?.Payload.ValueKind is JsonValueKind.String or JsonValueKind.Object)
        {
            // Checked like an inject, before the flow is woken or the month's executions counted.
            var running = await flows.FindAsync(flow.TenantId, flow.Id, ct).ConfigureAwait(false);
            PayloadGate.Ensure(running?.Definition ?? compiler.Compile(flow.OrganismYaml).Flow, step.Listener, step.Class, xml,
                json is null ? null : JsonNode.Parse(json) as JsonObject, options.Value.MaxXmlDepth);
        }
        await TriggerEndpoints.EnsureRunningAsync(flow, flows, supervisor, meter, time, ct).ConfigureAwait(false);
        var request = NewRequest(flow, RunSource.ForReplay($"{id}:step:{n}"), step.Listener, step.Class, xml, json, time);
        return await intake.AcceptAsync(request, wait, ct).ConfigureAwait(false);
    }

    private static async Task<ReplayStepRequest?> ReadBodyAsync(HttpRequest http, CancellationToken ct)
    {
        try
        {
            return await http.ReadFromJsonAsync(TriggersJsonContext.Default.ReplayStepRequest, ct).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest(ErrorCodes.MalformedJson, "The body is not valid JSON: " + ex.Message);
        }
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
