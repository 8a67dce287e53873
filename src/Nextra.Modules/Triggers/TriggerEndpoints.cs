using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Observability;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;
using Nextra.Pump.Config;

namespace Nextra.Modules.Triggers;

/// <summary>Webhooks (anonymous, token in the URL), manual inject, and the trigger list of a flow.</summary>
internal static class TriggerEndpoints
{
    /// <summary>A webhook with the right token for a flow that is not running (404).</summary>
    public const string FlowStopped = "flow_stopped";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/triggers/{flowId}/webhook/{token}", WebhookAsync).AllowAnonymous().WithTags("Triggers")
            .WithName("Webhook").WithSummary("Run a flow from its webhook trigger; 202 {runId}, or ?wait=SECONDS for the run (&answer=output: its output payload alone).")
            .Produces<RunView>(StatusCodes.Status200OK).Produces<RunAccepted>(StatusCodes.Status202Accepted).Produces<RunAccepted>(StatusCodes.Status504GatewayTimeout);
        app.MapPost("/api/triggers/{flowId}/inject", InjectAsync).WithTags("Triggers")
            .WithName("Inject").WithSummary("Run a flow with a payload (starts it if stopped); 202 {runId}, or ?wait=SECONDS (&answer=output: the output payload alone).")
            .Produces<RunView>(StatusCodes.Status200OK).Produces<RunAccepted>(StatusCodes.Status202Accepted).Produces<RunAccepted>(StatusCodes.Status504GatewayTimeout);
        var flows = app.MapGroup("/api/flows/{id}/triggers").WithTags("Triggers");
        flows.MapGet("", ListAsync).WithName("ListTriggers").WithSummary("A flow's triggers with webhook URLs and next fire times.")
            .Produces<TriggerView[]>();
        flows.MapPost("/{name}/rotate", RotateAsync)
            .WithName("RotateWebhook").WithSummary("Replace a webhook trigger's token; the old URL stops working.")
            .Produces<RotatedUrl>();
    }

    internal static async Task<IResult> WebhookAsync(string flowId, string token, double? wait, string? answer, HttpContext http, IFlowRuntime supervisor,
        RunningFlows flows, WebhookTokens tokens, WebhookRateLimiter limiter, TriggerIntake intake, IOptions<TriggersOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        var probe = LatencyProbe.Now();
        if (supervisor.Draining) throw new ApiException(503, "shutting_down", "Shutting down", "The server is shutting down; retry shortly.");
        var flow = await flows.FindAsync(flowId, ct).ConfigureAwait(false);
        // Tokens are checked whether or not the flow runs (constant time, see WebhookTokens): one answer for a
        // wrong token and an unknown flow, so nothing is learnt from probing. Only the holder of the right
        // token learns that the flow is stopped, which is what a person setting up a webhook needs to hear.
        var trigger = await tokens.MatchAsync(flowId, token, ct).ConfigureAwait(false);
        if (trigger is null) throw ApiException.NotFound("Webhook");
        if (flow is null) throw new ApiException(404, FlowStopped, "Flow stopped", "the flow is stopped; start it");
        var definition = TriggerNamed(flow.Definition, trigger);
        var decision = await limiter.TryAcquireAsync(flowId, trigger, definition, ct).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            // Written here rather than thrown: the exception handler would drop the Retry-After header.
            http.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(decision.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ProblemResponses.WriteAsync(http, 429, "rate_limited", "Too many requests", $"Trigger '{trigger}' is over its rate limit.").ConfigureAwait(false);
            return TypedResults.Empty;
        }
        LatencyProbe.Add("01 flow, token and rate lookup", probe);
        var parsing = LatencyProbe.Now();
        var (xml, json, jsonObject) = await ReadPayloadAsync(http.Request, limiter.MaxBodyBytes(definition), ct).ConfigureAwait(false);
        // 422 before the intake: a body the flow would fail is not acknowledged, written or counted.
        PayloadGate.Ensure(flow.Definition, definition?.Target, definition?.Payload, xml, jsonObject, options.Value.MaxXmlDepth);
        var request = new RunRequest
        {
            Id = RunIds.New(time), TenantId = flow.TenantId, FlowId = flowId, Source = RunSource.ForWebhook(trigger), PayloadXml = xml, PayloadJson = json,
            ParsedJson = jsonObject, CreatedAt = time.GetUtcNow(),
        };
        LatencyProbe.Begin(request.Id, parsing);
        LatencyProbe.Mark(request.Id, "02 body read, parse and gate");
        // The body's bytes are metered with the run's other meters when its trace commits (RunRecorder, one write for
        // both): a refused, rate-limited or held body is not counted now, and the answer waits for no commit of its own.
        var accepted = await intake.AcceptWebhookAsync(request, wait, http, ct, answer).ConfigureAwait(false);
        LatencyProbe.End(request.Id, "13 answer ready");
        LatencyProbe.Add("00 handler total (01 to 13)", probe);
        return accepted;
    }

    // A loop rather than LINQ: this runs on every webhook request, and a capturing lambda allocates.
    private static TriggerDefinition? TriggerNamed(FlowDefinition? flow, string name)
    {
        if (flow is null) return null;
        foreach (var t in flow.Triggers)
        {
            if (t.Name == name) return t;
        }
        return null;
    }

    internal static async Task<IResult> InjectAsync(string flowId, double? wait, string? answer, InjectRequest body, ICurrentUser user, IFlowCatalog catalog,
        RunningFlows flows, IFlowRuntime supervisor, IFlowCompiler compiler, TriggerIntake intake, IExecutionMeter meter,
        IOptions<TriggersOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (supervisor.Draining) throw new ApiException(503, "shutting_down", "Shutting down", "The server is shutting down; retry shortly.");
        var flow = await catalog.GetAsync(user.TenantId, flowId, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        string? xml = null, json = null;
        JsonObject? jsonObject = null;
        // The body was parsed once by the binder: the gate reads that element, it does not parse the text again.
        switch (body.Payload.ValueKind)
        {
            case JsonValueKind.String: xml = body.Payload.GetString(); break;
            case JsonValueKind.Object: json = body.Payload.GetRawText(); jsonObject = JsonObject.Create(body.Payload); break;
            case JsonValueKind.Undefined or JsonValueKind.Null: json = "{}"; jsonObject = new JsonObject(); break;
            default: throw ApiException.BadRequest(ErrorCodes.BadRequest, "payload must be a JSON object or an XML string");
        }
        // Checked before a stopped flow is woken, the month's executions counted or the inbox written.
        var running = await flows.FindAsync(flow.TenantId, flow.Id, ct).ConfigureAwait(false);
        PayloadGate.Ensure(running?.Definition ?? compiler.Compile(flow.OrganismYaml).Flow, body.Target, body.PayloadClass, xml,
            jsonObject, options.Value.MaxXmlDepth);
        if (running is null) await StartAsync(flow, supervisor, meter, time, ct).ConfigureAwait(false);
        var request = new RunRequest
        {
            Id = RunIds.New(time), TenantId = flow.TenantId, FlowId = flowId, Source = RunSource.ForManual(), Target = body.Target,
            PayloadClass = body.PayloadClass, PayloadXml = xml, PayloadJson = json, CreatedAt = time.GetUtcNow(),
        };
        return await intake.AcceptAsync(request, wait, ct, answer).ConfigureAwait(false);
    }

    /// <summary>Starts a stopped flow for an inject or a replay; over the month's executions, 429 before waking it for nothing.</summary>
    internal static async Task EnsureRunningAsync(FlowSnapshot flow, RunningFlows flows, IFlowRuntime supervisor, IExecutionMeter meter,
        TimeProvider time, CancellationToken ct)
    {
        if (await flows.FindAsync(flow.TenantId, flow.Id, ct).ConfigureAwait(false) is null) await StartAsync(flow, supervisor, meter, time, ct).ConfigureAwait(false);
    }

    private static async Task StartAsync(FlowSnapshot flow, IFlowRuntime supervisor, IExecutionMeter meter, TimeProvider time, CancellationToken ct)
    {
        await meter.EnsureAvailableAsync(flow.TenantId, time.GetUtcNow(), ct).ConfigureAwait(false);
        var status = await supervisor.StartWithinPlanAsync(flow, ct).ConfigureAwait(false); // a flow stopped over the plan limit stays stopped
        if (status.Status != FlowStatuses.Running)
            throw new ApiException(409, ErrorCodes.Conflict, "Flow not running", $"The flow could not start: {status.Error}");
    }

    internal static async Task<IResult> ListAsync(string id, HttpContext http, ICurrentUser user, IFlowCatalog catalog, IFlowCompiler compiler,
        IFlowRuntime supervisor, WebhookTokens tokens, IOptions<TriggersOptions> options, TimeProvider time, CancellationToken ct)
    {
        var flow = await catalog.GetAsync(user.TenantId, id, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        var definition = supervisor.ActiveDefinition(id) ?? compiler.Compile(flow.OrganismYaml).Flow;
        if (definition is null) return TypedResults.Ok(Array.Empty<TriggerView>());
        var now = time.GetUtcNow();
        var views = new List<TriggerView>();
        foreach (var t in definition.Triggers)
        {
            views.Add(t.Type switch
            {
                "webhook" => new TriggerView(t.Name, t.Type, t.Target, t.Payload,
                    Url: UrlOf(http, options.Value, id, await tokens.EnsureAsync(flow.TenantId, id, t.Name, ct).ConfigureAwait(false))),
                "schedule" => new TriggerView(t.Name, t.Type, t.Target, t.Payload,
                    NextFireTimes: t.Cron is not null && CronSchedule.TryParse(t.Cron, t.Timezone, out var s, out _) ? s!.NextSlots(now, 5) : [],
                    Cron: t.Cron, Timezone: t.Timezone ?? "UTC", MissedPolicy: t.MissedPolicy),
                _ => new TriggerView(t.Name, t.Type, t.Target, t.Payload),
            });
        }
        return TypedResults.Ok(views.ToArray());
    }

    internal static async Task<IResult> RotateAsync(string id, string name, HttpContext http, ICurrentUser user, IFlowCatalog catalog,
        IFlowCompiler compiler, IFlowRuntime supervisor, WebhookTokens tokens, IOptions<TriggersOptions> options, CancellationToken ct)
    {
        var flow = await catalog.GetAsync(user.TenantId, id, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        var definition = supervisor.ActiveDefinition(id) ?? compiler.Compile(flow.OrganismYaml).Flow;
        if (definition?.Triggers.Any(t => t.Name == name && t.Type == "webhook") != true) throw ApiException.NotFound("Webhook trigger");
        return TypedResults.Ok(new RotatedUrl(UrlOf(http, options.Value, id, await tokens.RotateAsync(flow.TenantId, id, name, ct).ConfigureAwait(false))));
    }

    private static string UrlOf(HttpContext http, TriggersOptions options, string flowId, string token)
    {
        var root = string.IsNullOrWhiteSpace(options.PublicUrl) ? $"{http.Request.Scheme}://{http.Request.Host}" : options.PublicUrl.TrimEnd('/');
        return $"{root}/api/triggers/{Uri.EscapeDataString(flowId)}/webhook/{token}";
    }

    /// <summary>XML when the content type says so or the body starts with '&lt;'; else a JSON object ({} when empty).</summary>
    internal static async Task<(string? Xml, string? Json, JsonObject? Object)> ReadPayloadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var text = Encoding.UTF8.GetString(bytes).Trim();
        var contentType = request.ContentType ?? "";
        if (contentType.Contains("xml", StringComparison.OrdinalIgnoreCase) || text.StartsWith('<')) return (text, null, null);
        if (text.Length == 0) return (null, "{}", new JsonObject());
        try
        {
            // Written again from the object: a string that cannot be read back as UTF-16 (an unpaired surrogate escape)
            // throws here and is 400 malformed_json, not a 422 from the gate or a failure later in the pump.
            return JsonNode.Parse(text) is JsonObject obj ? (null, obj.ToJsonString(), obj)
                : throw ApiException.BadRequest(ErrorCodes.MalformedJson, "The body must be a JSON object or an XML payload.");
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest(ErrorCodes.MalformedJson, "The body is not valid JSON: " + ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            // Well-formed JSON whose strings cannot be read back, e.g. an unpaired surrogate escape ("\ud800").
            throw ApiException.BadRequest(ErrorCodes.MalformedJson, "The body is not valid JSON: " + ex.Message);
        }
    }

    private static ApiException TooLarge(long max) =>
        new(413, ErrorCodes.PayloadTooLarge, "Payload too large", $"The body is over the trigger's limit of {max} bytes.");
}
