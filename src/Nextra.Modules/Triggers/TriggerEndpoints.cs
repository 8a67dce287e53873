using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Orchestration;
using Nextra.Pump.Config;

namespace Nextra.Modules.Triggers;

/// <summary>Webhooks (anonymous, token in the URL), manual inject, and the trigger list of a flow.</summary>
internal static class TriggerEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/triggers/{flowId}/webhook/{token}", WebhookAsync).AllowAnonymous().WithTags("Triggers")
            .WithName("Webhook").WithSummary("Run a flow from its webhook trigger; 202 {runId}, or ?wait=SECONDS for the run.");
        app.MapPost("/api/triggers/{flowId}/inject", InjectAsync).RequireAuthorization(AuthPolicies.Editor).WithTags("Triggers")
            .WithName("Inject").WithSummary("Run a flow with a payload (starts it if stopped); 202 {runId}, or ?wait=SECONDS.");
        var flows = app.MapGroup("/api/flows/{id}/triggers").RequireAuthorization(AuthPolicies.Reader).WithTags("Triggers");
        flows.MapGet("", ListAsync).WithName("ListTriggers").WithSummary("A flow's triggers with webhook URLs and next fire times.");
        flows.MapPost("/{name}/rotate", RotateAsync).RequireAuthorization(AuthPolicies.Editor)
            .WithName("RotateWebhook").WithSummary("Replace a webhook trigger's token; the old URL stops working.");
    }

    internal static async Task<IResult> WebhookAsync(string flowId, string token, double? wait, HttpContext http, FlowSupervisor supervisor,
        WebhookTokens tokens, WebhookRateLimiter limiter, TriggerIntake intake, IOptions<TriggersOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (supervisor.Draining) throw new ApiException(503, "shutting_down", "Shutting down", "The server is shutting down; retry shortly.");
        var tenant = supervisor.AcceptingTenant(flowId);
        var trigger = tokens.Match(flowId, token);
        // One answer for a wrong token, an unknown flow and a stopped flow: nothing to learn from probing.
        if (tenant is null || trigger is null) throw ApiException.NotFound("Webhook");
        var flowDefinition = supervisor.ActiveDefinition(flowId);
        var definition = TriggerNamed(flowDefinition, trigger);
        if (!limiter.TryAcquire(flowId, trigger, definition, out var retryAfter))
        {
            // Written here rather than thrown: the exception handler would drop the Retry-After header.
            http.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retryAfter)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ProblemResponses.WriteAsync(http, 429, "rate_limited", "Too many requests", $"Trigger '{trigger}' is over its rate limit.").ConfigureAwait(false);
            return TypedResults.Empty;
        }
        var (xml, json, jsonObject) = await ReadPayloadAsync(http.Request, limiter.MaxBodyBytes(definition), ct).ConfigureAwait(false);
        // 422 before the inbox row and the monthly count: a body the flow would fail is not acknowledged.
        PayloadGate.Ensure(flowDefinition, definition?.Target, definition?.Payload, xml, jsonObject, options.Value.MaxXmlDepth);
        var item = new InboxItem
        {
            Id = Runs.RunIds.New(time), TenantId = tenant, FlowId = flowId, Source = "webhook:" + trigger, PayloadXml = xml, PayloadJson = json,
            CreatedAt = time.GetUtcNow(),
        };
        return await intake.AcceptAsync(item, wait, ct).ConfigureAwait(false);
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

    internal static async Task<IResult> InjectAsync(string flowId, double? wait, InjectRequest body, ICurrentUser user, IFlowCatalog catalog,
        FlowSupervisor supervisor, IFlowCompiler compiler, TriggerIntake intake, Tiers.ExecutionMeter meter, IOptions<TriggersOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        if (supervisor.Draining) throw new ApiException(503, "shutting_down", "Shutting down", "The server is shutting down; retry shortly.");
        var flow = await catalog.GetAsync(user.TenantId, flowId, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        string? xml = null, json = null;
        switch (body.Payload.ValueKind)
        {
            case JsonValueKind.String: xml = body.Payload.GetString(); break;
            case JsonValueKind.Object: json = body.Payload.GetRawText(); break;
            case JsonValueKind.Undefined or JsonValueKind.Null: json = "{}"; break;
            default: throw ApiException.BadRequest(ErrorCodes.BadRequest, "payload must be a JSON object or an XML string");
        }
        // Checked before a stopped flow is woken, the month's executions counted or the inbox written.
        PayloadGate.Ensure(supervisor.ActiveDefinition(flowId) ?? compiler.Compile(flow.OrganismYaml).Flow, body.Target, body.PayloadClass, xml,
            json is null ? null : JsonNode.Parse(json) as JsonObject, options.Value.MaxXmlDepth);
        if (supervisor.AcceptingTenant(flowId) is null)
        {
            // Over the month's executions, answer 429 before waking a stopped flow for nothing (intake counts the run).
            await meter.EnsureAvailableAsync(flow.TenantId, time.GetUtcNow(), ct).ConfigureAwait(false);
            var status = await supervisor.StartAsync(flow, ct).ConfigureAwait(false);
            if (status.Status != FlowStatuses.Running)
                throw new ApiException(409, ErrorCodes.Conflict, "Flow not running", $"The flow could not start: {status.Error}");
        }
        var item = new InboxItem
        {
            Id = Runs.RunIds.New(time), TenantId = flow.TenantId, FlowId = flowId, Source = "manual", Target = body.Target,
            PayloadClass = body.PayloadClass, PayloadXml = xml, PayloadJson = json, CreatedAt = time.GetUtcNow(),
        };
        return await intake.AcceptAsync(item, wait, ct).ConfigureAwait(false);
    }

    internal static async Task<IResult> ListAsync(string id, HttpContext http, ICurrentUser user, IFlowCatalog catalog, IFlowCompiler compiler,
        FlowSupervisor supervisor, WebhookTokens tokens, IOptions<TriggersOptions> options, TimeProvider time, CancellationToken ct)
    {
        var flow = await catalog.GetAsync(user.TenantId, id, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        var definition = supervisor.ActiveDefinition(id) ?? compiler.Compile(flow.OrganismYaml).Flow;
        if (definition is null) return TypedResults.Ok(Array.Empty<TriggerView>());
        var now = time.GetUtcNow();
        var views = definition.Triggers.Select(t => t.Type switch
        {
            "webhook" => new TriggerView(t.Name, t.Type, t.Target, t.Payload, Url: UrlOf(http, options.Value, id, tokens.Ensure(id, t.Name))),
            "schedule" => new TriggerView(t.Name, t.Type, t.Target, t.Payload,
                NextFireTimes: t.Cron is not null && CronSchedule.TryParse(t.Cron, t.Timezone, out var s, out _) ? s!.NextSlots(now, 5) : [],
                Cron: t.Cron, Timezone: t.Timezone ?? "UTC", MissedPolicy: t.MissedPolicy),
            _ => new TriggerView(t.Name, t.Type, t.Target, t.Payload),
        }).ToArray();
        return TypedResults.Ok(views);
    }

    internal static async Task<IResult> RotateAsync(string id, string name, HttpContext http, ICurrentUser user, IFlowCatalog catalog,
        IFlowCompiler compiler, FlowSupervisor supervisor, WebhookTokens tokens, IOptions<TriggersOptions> options, CancellationToken ct)
    {
        var flow = await catalog.GetAsync(user.TenantId, id, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Flow");
        var definition = supervisor.ActiveDefinition(id) ?? compiler.Compile(flow.OrganismYaml).Flow;
        if (definition?.Triggers.Any(t => t.Name == name && t.Type == "webhook") != true) throw ApiException.NotFound("Webhook trigger");
        return TypedResults.Ok(new RotatedUrl(UrlOf(http, options.Value, id, tokens.Rotate(id, name))));
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
