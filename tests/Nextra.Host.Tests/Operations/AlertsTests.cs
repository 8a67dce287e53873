using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Host.Tests.Runs;
using Nextra.Modules.Orchestration;

namespace Nextra.Host.Tests.Operations;

/// <summary>
/// The real host with fast alert settings: evaluation every 0.3 s, a 15 s error-rate window of at least 3 runs, stuck after
/// 3 s, a flow memory cap of 50 000 bytes; loopback allowed for channels and flows; e-mail through a scripted SMTP server.
/// </summary>
public sealed class AlertsFactory : NextraFactory
{
    public ScriptedServer Hooks { get; } = new() { Fallback = ScriptedServer.Json("{}") };
    public ScriptedServer SlowApi { get; } = new() { Fallback = ScriptedServer.Hang(TimeSpan.FromSeconds(8), ScriptedServer.Json("{}")) };
    public SmtpReceiver Smtp { get; } = new();
    private int _disposed;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Egress:AllowList:0", "127.0.0.1"),
        new("Alerts:EvaluationSeconds", "0.3"),
        new("Alerts:WindowMinutes", "0.25"),
        new("Alerts:MinRuns", "3"),
        new("Alerts:StuckMinutes", "0.05"),
        new("Alerts:FlowMemoryBytes", "50000"),
        new("Alerts:DeliveryPollSeconds", "0.2"),
        new("Smtp:Host", "127.0.0.1"),
        new("Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Smtp:EnableSsl", "false"),
        new("Smtp:From", "alerts@nextra.test"),
    ];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Hooks.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SlowApi.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Smtp.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

public sealed class AlertsTests(AlertsFactory factory) : IClassFixture<AlertsFactory>
{
    private static string Slow(string url) => $$$"""
        organism:
          name: slow
        payloads:
          Ping: {fields: {Text: string}}
        triggers:
          - {name: hook, type: webhook, target: call, payload: Ping}
        listeners:
          - name: call
            description: calls an API that takes 8 s to answer
            payload_class: Ping
            handler: http
            config:
              method: POST
              url: "{{{url}}}"
              body: {text: "{{Text}}"}
              timeout_seconds: 30
        """;

    private async Task<TestUser> OwnerWithChannelsAsync(string tenant)
    {
        var owner = await factory.CreateUserAsync(tenant);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.PutAsync("/api/secrets/HOOK_KEY", Json.Body("""{"value":"s3cret-signing-key"}"""))).StatusCode);
        await Json.PutAsync(owner.Client, "/api/alerts/channels/hook", new { type = "webhook", url = factory.Hooks.Origin + "/hook", secretName = "HOOK_KEY" }, 200);
        await Json.PutAsync(owner.Client, "/api/alerts/channels/slack", new { type = "slack", url = factory.Hooks.Origin + "/slack" }, 200);
        await Json.PutAsync(owner.Client, "/api/alerts/channels/mail", new { type = "email", to = "oncall@example.test" }, 200);
        return owner;
    }

    private static async Task<JsonArray> AlertsAsync(TestUser owner, string query) =>
        (await owner.Client.GetFromJsonAsync<JsonArray>("/api/alerts" + query))!;

    private static async Task<JsonObject> WaitForAlertAsync(TestUser owner, string rule, string flowId, string state, int seconds = 60)
    {
        var until = Environment.TickCount64 + seconds * 1000L;
        while (true)
        {
            var alerts = await AlertsAsync(owner, $"?state={state}&flowId={flowId}");
            if (alerts.FirstOrDefault(a => a!["rule"]!.GetValue<string>() == rule) is JsonObject found) return found;
            Assert.True(Environment.TickCount64 < until, $"no {state} {rule} alert for flow {flowId}");
            await Task.Delay(200);
        }
    }

    private List<JsonObject> Webhooks(string rule, string flowId) =>
        [.. factory.Hooks.Requests.Where(r => r.Path == "/hook").Select(r => JsonNode.Parse(r.Body)!.AsObject())
            .Where(b => b["alert"]!.GetValue<string>() == rule && b["flow"]?.GetValue<string>() == flowId)];

    [Fact]
    public async Task ErrorRate_TrappingCodeBlock_FiresOnceNotifiesEveryChannelThenResolves()
    {
        var owner = await OwnerWithChannelsAsync("alerts-error-rate");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client, TestFlows.Trapping);
        for (var i = 0; i < 3; i++)
        {
            var run = await RunFlows.SendAsync(factory.CreateClient(), hook, """{"Text":"x"}""", HttpStatusCode.OK);
            Assert.Equal("failed", run["status"]!.GetValue<string>());
        }
        var firing = await WaitForAlertAsync(owner, "error_rate", flowId, "firing");
        Assert.Equal(["detail", "flowId", "id", "resolvedAt", "rule", "since", "state"], firing.Select(p => p.Key).Order());
        Assert.Contains("3 of 3 runs failed", firing["detail"]!.GetValue<string>());

        // Signed webhook, Slack text and e-mail, each once for the transition.
        var hooks = await factory.Hooks.WaitForAsync(_ => Webhooks("error_rate", flowId).Count >= 1);
        var request = hooks.First(r => r.Path == "/hook" && r.Body.Contains(flowId, StringComparison.Ordinal));
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("s3cret-signing-key"u8.ToArray(), request.Bytes));
        Assert.Equal(expected, request.Headers["X-Nextra-Signature"]);
        var body = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(["alert", "at", "detail", "flow", "state", "tenant", "url"], body.Select(p => p.Key).Order());
        Assert.Equal(("firing", owner.TenantId), (body["state"]!.GetValue<string>(), body["tenant"]!.GetValue<string>()));
        Assert.EndsWith("/alerts?id=" + firing["id"]!.GetValue<string>(), body["url"]!.GetValue<string>());
        await factory.Hooks.WaitForAsync(r => r.Any(x => x.Path == "/slack" && x.Body.Contains("error_rate firing on flow " + flowId, StringComparison.Ordinal)));
        // Header lines fold and quoted-printable bodies wrap: unfold before matching.
        static string Unfold(string data) => data.Replace("=\n", "", StringComparison.Ordinal).Replace("\n ", " ", StringComparison.Ordinal);
        var until = Environment.TickCount64 + 30_000;
        while (!factory.Smtp.Messages.Any(m => Unfold(m.Data).Contains(flowId, StringComparison.Ordinal)) && Environment.TickCount64 < until) await Task.Delay(200);
        var mail = Assert.Single(factory.Smtp.Messages, m => Unfold(m.Data).Contains("error_rate firing: flow " + flowId, StringComparison.Ordinal));
        Assert.Equal(["<oncall@example.test>"], mail.To);

        // The failures leave the 15 s window: resolved, notified once more; never a second firing notification.
        var resolved = await WaitForAlertAsync(owner, "error_rate", flowId, "resolved");
        Assert.Equal(firing["id"]!.GetValue<string>(), resolved["id"]!.GetValue<string>());
        Assert.True(resolved["resolvedAt"]!.GetValue<DateTimeOffset>() >= firing["since"]!.GetValue<DateTimeOffset>());
        await factory.Hooks.WaitForAsync(_ => Webhooks("error_rate", flowId).Any(b => b["state"]!.GetValue<string>() == "resolved"));
        await Task.Delay(1500); // several more evaluations
        Assert.Equal(["firing", "resolved"], Webhooks("error_rate", flowId).Select(b => b["state"]!.GetValue<string>()).Order());
        var deliveries = (await owner.Client.GetFromJsonAsync<JsonArray>("/api/alerts/deliveries?alertId=" + firing["id"]!.GetValue<string>()))!;
        Assert.Equal(6, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("delivered", d!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task StuckFlow_SlowStep_FiresThenResolves()
    {
        var owner = await factory.CreateUserAsync("alerts-stuck");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client, Slow(factory.SlowApi.Origin + "/slow"));
        var big = new string('x', 30_000);
        await RunFlows.SendAsync(factory.CreateClient(), hook, $$"""{"Text":"{{big}}"}""", HttpStatusCode.Accepted, "");

        var stuck = await WaitForAlertAsync(owner, "stuck_flow", flowId, "firing");
        Assert.Contains("1 active", stuck["detail"]!.GetValue<string>());
        // The 30 kB payload held by the step in flight is above 80 % of the 50 000-byte cap: memory_pressure fires too.
        var pressure = await WaitForAlertAsync(owner, "memory_pressure", flowId, "firing", 10);
        Assert.Contains("holds about", pressure["detail"]!.GetValue<string>());

        // The API answers after 8 s, the step finishes, the run ends: resolved.
        await WaitForAlertAsync(owner, "stuck_flow", flowId, "resolved");
        Assert.DoesNotContain(await AlertsAsync(owner, $"?state=firing&flowId={flowId}"), a => a!["rule"]!.GetValue<string>() == "stuck_flow");
    }

    /// <summary>
    /// A code block that grows its linear memory to 4 MiB and then waits on http_fetch (the slow API answers after 8 s):
    /// the flow's estimate counts the WebAssembly memory the step holds, memory_pressure fires (the payload alone is a
    /// few bytes), and resolves once the call has returned and its store is gone.
    /// </summary>
    [Fact]
    public async Task MemoryPressure_CodeBlockGrowingItsMemory_FiresWithTheWasmBytesThenResolves()
    {
        var owner = await OwnerWithChannelsAsync("alerts-memory");
        var (flowId, hook) = await RunFlows.DeployAsync(owner.Client, Grower(factory.SlowApi.Origin + "/slow"));
        await RunFlows.SendAsync(factory.CreateClient(), hook, """{"Text":"hi"}""", HttpStatusCode.Accepted, "");

        var firing = await WaitForAlertAsync(owner, "memory_pressure", flowId, "firing");
        var detail = firing["detail"]!.GetValue<string>();
        var held = long.Parse(System.Text.RegularExpressions.Regex.Match(detail, @"holds about (\d+) bytes").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(held >= 65 * 65536, detail); // 1 page + 64 grown, not the payload's few bytes
        var metrics = await factory.CreateClient().GetStringAsync("/metrics");
        Assert.Matches($"nextra_pump_memory_bytes\\{{flow_id=\"{flowId}\"\\}} [1-9][0-9]{{6,}}", metrics);

        await WaitForAlertAsync(owner, "memory_pressure", flowId, "resolved");
        await factory.Hooks.WaitForAsync(_ => Webhooks("memory_pressure", flowId).Count >= 2);
        Assert.Equal(["firing", "resolved"], Webhooks("memory_pressure", flowId).Select(b => b["state"]!.GetValue<string>()));
    }

    private static string Grower(string url)
    {
        var request = $$"""{"method":"GET","url":"{{url}}"}""";
        const string output = """{"Text":"done"}""";
        static string Wat(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        return $$$"""
            organism:
              name: grower
            payloads:
              Ping: {fields: {Text: string}}
            triggers:
              - {name: hook, type: webhook, target: grow, payload: Ping}
            listeners:
              - name: grow
                description: grows its memory to 4 MiB, then waits on a slow API
                payload_class: Ping
                handler: code
                config:
                  fuel: 100000000
                  memory_mb: 16
                  timeout_ms: 30000
                  capabilities: [http]
                  wat: |
                    (module
                      (import "nextra" "http_fetch" (func $fetch (param i32 i32) (result i64)))
                      (memory (export "memory") 1)
                      (global $bump (mut i32) (i32.const 8192))
                      (data (i32.const 16) "{{{Wat(request)}}}")
                      (data (i32.const 4096) "{{{Wat(output)}}}")
                      (func (export "alloc") (param $len i32) (result i32)
                        (local $p i32)
                        (local.set $p (global.get $bump))
                        (global.set $bump (i32.add (global.get $bump) (local.get $len)))
                        (local.get $p))
                      (func (export "handle") (param i32 i32) (result i64)
                        (drop (memory.grow (i32.const 64)))
                        (drop (call $fetch (i32.const 16) (i32.const {{{Encoding.UTF8.GetByteCount(request)}}})))
                        (i64.or (i64.shl (i64.const 4096) (i64.const 32)) (i64.const {{{Encoding.UTF8.GetByteCount(output)}}}))))
            """;
    }

    [Fact]
    public async Task PumpCrash_FaultInjected_FiresThenResolvesWhenTheFlowRunsAgain()
    {
        var owner = await factory.CreateUserAsync("alerts-crash");
        var (flowId, _) = await RunFlows.DeployAsync(owner.Client);
        var slot = factory.Services.GetRequiredService<FlowSupervisor>().Slots.Single(s => s.FlowId == flowId);
        slot.Error = "pump faulted: injected by the test";
        slot.Status = FlowStatuses.Error;
        try
        {
            var crash = await WaitForAlertAsync(owner, "pump_crash", flowId, "firing");
            Assert.Contains("injected by the test", crash["detail"]!.GetValue<string>());
        }
        finally
        {
            slot.Error = null;
            slot.Status = FlowStatuses.Running;
        }
        await WaitForAlertAsync(owner, "pump_crash", flowId, "resolved");
        // Another tenant sees none of it.
        var other = await factory.CreateUserAsync("alerts-other");
        Assert.Empty(await AlertsAsync(other, ""));
    }

    [Fact]
    public async Task Channel_AimedAtAMetadataAddress_RefusedByTheEgressGuardAndTheFailureShown()
    {
        var owner = await factory.CreateUserAsync("alerts-ssrf");
        await Json.PutAsync(owner.Client, "/api/alerts/channels/meta", new { type = "webhook", url = "http://169.254.169.254/latest/meta-data" }, 200);
        var (flowId, _) = await RunFlows.DeployAsync(owner.Client);
        var slot = factory.Services.GetRequiredService<FlowSupervisor>().Slots.Single(s => s.FlowId == flowId);
        slot.Status = FlowStatuses.Error;
        try
        {
            var alert = await WaitForAlertAsync(owner, "pump_crash", flowId, "firing");
            var until = Environment.TickCount64 + 30_000;
            JsonNode? delivery;
            do
            {
                await Task.Delay(200);
                delivery = (await owner.Client.GetFromJsonAsync<JsonArray>("/api/alerts/deliveries?alertId=" + alert["id"]!.GetValue<string>()))!.FirstOrDefault();
            }
            while (delivery?["lastError"] is null && Environment.TickCount64 < until);
            Assert.NotNull(delivery?["lastError"]);
            Assert.NotEqual("delivered", delivery!["status"]!.GetValue<string>());
            Assert.Contains("169.254.169.254", delivery["lastError"]!.GetValue<string>());
        }
        finally
        {
            slot.Status = FlowStatuses.Running;
        }
    }

    [Theory]
    [InlineData("""{"type":"pager","url":"https://x.test"}""", "type must be webhook, slack or email")]
    [InlineData("""{"type":"webhook","url":"ftp://x.test/a"}""", "absolute http(s) URL")]
    [InlineData("""{"type":"slack"}""", "absolute http(s) URL")]
    [InlineData("""{"type":"email","to":"not an address"}""", "e-mail address")]
    public async Task PutChannel_Invalid_400ProblemSaysWhy(string body, string detail)
    {
        var owner = await factory.CreateUserAsync("alerts-invalid");
        var response = await owner.Client.PutAsync("/api/alerts/channels/c1", Json.Body(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Channels_CrudAdminOnly_ListAlertsAnyMember()
    {
        var owner = await factory.CreateUserAsync("alerts-crud");
        var put = await Json.PutAsync(owner.Client, "/api/alerts/channels/ops", new { type = "email", to = "ops@example.test" }, 200);
        Assert.Equal("email", put["type"]!.GetValue<string>());
        Assert.Equal("ops@example.test", (await owner.Client.GetFromJsonAsync<JsonObject>("/api/alerts/channels/ops"))!["to"]!.GetValue<string>());
        var editor = await factory.CreateUserAsync("alerts-crud", Nextra.Modules.Common.Role.Editor);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.Client.GetAsync("/api/alerts/channels/ops")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await editor.Client.GetAsync("/api/alerts?state=firing")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await editor.Client.GetAsync("/api/alerts?state=sleeping")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync("/api/alerts/channels/ops")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.GetAsync("/api/alerts/channels/ops")).StatusCode);
    }
}
