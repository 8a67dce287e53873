using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nextra.Host.Tests.Runs;

namespace Nextra.Host.Tests.Operations;

/// <summary>The host exporting over OTLP/HTTP to a scripted collector on loopback.</summary>
public sealed class TracingFactory : NextraFactory
{
    public ScriptedServer Collector { get; } = new() { Fallback = ScriptedServer.Json("{}") };

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Telemetry:OtlpEndpoint", Collector.Origin),
        new("Telemetry:ExportMetrics", "false"),
    ];

    private int _disposed;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Collector.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

public sealed class TracingTests(TracingFactory factory) : IClassFixture<TracingFactory>
{
    [Fact]
    public async Task Webhook_WithTraceparent_RunAndStepSpansJoinTheCallersTraceOverOtlp()
    {
        var owner = await factory.CreateUserAsync("tracing");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client);
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        var callerSpan = System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, hook + "?wait=10") { Content = Json.Body("""{"name":"ada"}""") };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        var response = await factory.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(traceId, run["traceId"]!.GetValue<string>());
        var runId = run["runId"]!.GetValue<string>();

        List<OtlpSpan> Spans(List<RecordedRequest> seen) =>
            [.. seen.Where(r => r.Path == "/v1/traces").SelectMany(r => OtlpSpans.Decode(r.Bytes)).Where(s => s.TraceId == traceId)];
        var seen = await factory.Collector.WaitForAsync(r => Spans(r).Count(s => s.Name.StartsWith("step ", StringComparison.Ordinal)) >= 2
            && Spans(r).Any(s => s.Name == "run " + flowId));
        var spans = Spans(seen);
        Assert.All(seen.Where(r => r.Path == "/v1/traces"), r => Assert.Equal("application/x-protobuf", r.Headers["Content-Type"]));

        // The incoming request's span is a child of the caller's; the run's span a child of the request's.
        var server = spans.Single(s => s.ParentSpanId == callerSpan);
        var runSpan = spans.Single(s => s.Name == "run " + flowId);
        Assert.Equal(server.SpanId, runSpan.ParentSpanId);
        Assert.Equal(runId, runSpan.Attributes["nextra.run"]);
        Assert.Equal(flowId, runSpan.Attributes["nextra.flow"]);
        Assert.Equal(owner.TenantId, runSpan.Attributes["nextra.tenant"]);
        var steps = spans.Where(s => s.Name.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.All(steps, s => Assert.Equal(runSpan.SpanId, s.ParentSpanId));
        Assert.Contains(steps, s => s.Name == "step route" && s.Attributes["nextra.class"] == "Greeting" && s.Attributes.ContainsKey("nextra.thread"));
        Assert.Contains(steps, s => s.Name == "step done");
    }

    [Fact]
    public async Task Webhook_WithoutTraceparent_RunCarriesTheTraceIdOfItsSpan()
    {
        var owner = await factory.CreateUserAsync("tracing-root");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client);
        var run = await RunFlows.SendAsync(factory.CreateClient(), hook, """{"name":"bo"}""", HttpStatusCode.OK);
        var traceId = run["traceId"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        var stored = (await owner.Client.GetFromJsonAsync<JsonObject>($"/api/runs/{run["runId"]!.GetValue<string>()}"))!;
        Assert.Equal(traceId, stored["traceId"]!.GetValue<string>());
        await factory.Collector.WaitForAsync(r => r.Where(x => x.Path == "/v1/traces").SelectMany(x => OtlpSpans.Decode(x.Bytes))
            .Any(s => s.TraceId == traceId && s.Name == "run " + flowId));
    }
}
