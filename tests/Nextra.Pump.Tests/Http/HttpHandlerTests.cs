using System.Text.Json.Nodes;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Handlers.Http;
using Nextra.Pump.Net;
using Nextra.Pump.Tests.Llm;
using static Nextra.Pump.Tests.Llm.TestFlows;

namespace Nextra.Pump.Tests.Http;

public class HttpHandlerTests
{
    private static FlowDefinition FlowWith(JsonObject config, string[]? peers = null) => Flow(null,
        Listener("fetch", "Lookup", "http", peers, config),
        Listener("report", "Weather", "output"),
        Listener("raw", "HttpResponse", "output"));

    private static async Task<HandlerResult> RunAsync(FlowDefinition flow, string payload, TestServices? services = null)
    {
        services ??= new TestServices(secrets: new() { ["TOKEN"] = "s3cr3t" });
        var factory = new HttpHandlerFactory(services.EgressOptions);
        Assert.Empty(factory.Validate(new HandlerValidationContext { Flow = flow, Listener = flow.Listeners[0] }));
        var handler = factory.Create(Create(flow, "fetch", services));
        return await handler.HandleAsync(Context(flow, "fetch", payload, services), CancellationToken.None);
    }

    private const string Sao = "<Lookup><City>São Paulo &amp; \"co\"</City><Days>3</Days></Lookup>";

    [Fact]
    public async Task Handle_UrlPlaceholders_AreUrlEncoded()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(200, "ok") };
        var flow = FlowWith(new JsonObject { ["url"] = server.BaseUrl + "weather/{{City}}?days={{Days}}" });
        await RunAsync(flow, Sao);
        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/weather/S%C3%A3o%20Paulo%20%26%20%22co%22?days=3", request.Path);
    }

    [Fact]
    public async Task Handle_JsonStringBody_IsJsonEscapedAndSecretHeaderFilled()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(200, "ok") };
        var flow = FlowWith(new JsonObject
        {
            ["method"] = "post",
            ["url"] = server.BaseUrl + "q",
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer {{secret:TOKEN}}", ["X-City"] = "{{City}}" },
            ["body"] = "{\"city\": \"{{City}}\", \"days\": {{Days}}}",
        });
        await RunAsync(flow, Sao);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("Bearer s3cr3t", request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        var json = request.Json;
        Assert.Equal("São Paulo & \"co\"", (string?)json["city"]);
        Assert.Equal(3, (int?)json["days"]);
    }

    [Fact]
    public async Task Handle_MappingBody_KeepsPlaceholderTypes()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(200, "ok") };
        var flow = FlowWith(new JsonObject
        {
            ["url"] = server.BaseUrl + "q",
            ["body"] = new JsonObject { ["days"] = "{{Days}}", ["label"] = "city: {{City}}", ["tags"] = new JsonArray("a", "{{Days}}") },
        });
        await RunAsync(flow, Sao);
        var json = Assert.Single(server.Requests).Json;
        Assert.Equal(3, (int?)json["days"]);
        Assert.Equal("city: São Paulo & \"co\"", (string?)json["label"]);
        Assert.Equal(3, (int?)json["tags"]![1]);
    }

    [Fact]
    public async Task Handle_NoPeers_RespondsHttpResponse()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(201, "made <it>", "text/plain", ("X-Trace", "t-1")) };
        var result = await RunAsync(FlowWith(new JsonObject { ["url"] = server.BaseUrl.ToString() }), Sao);
        var emission = Assert.Single(result.Emissions);
        Assert.True(emission.IsRespond);
        Assert.Equal("HttpResponse", emission.Payload.Name.LocalName);
        Assert.Equal("201", emission.Payload.Element("Status")!.Value);
        Assert.Equal("made <it>", emission.Payload.Element("Body")!.Value);
        var headers = emission.Payload.Element("Headers")!.Elements("Header").ToList();
        Assert.Contains(headers, h => (string?)h.Attribute("name") == "X-Trace" && h.Value == "t-1");
    }

    [Fact]
    public async Task Handle_ResponsePayload_IsMappedFromJsonAndForwardedToPeer()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Json(new { city = "Oslo", tempC = -3, extra = true }) };
        var flow = FlowWith(new JsonObject { ["url"] = server.BaseUrl.ToString(), ["response_payload"] = "Weather" }, ["report"]);
        var result = await RunAsync(flow, Sao);
        var emission = Assert.Single(result.Emissions);
        Assert.Equal("report", emission.To);
        Assert.Equal("Oslo", emission.Payload.Element("City")!.Value);
        Assert.Equal("-3", emission.Payload.Element("TempC")!.Value);
    }

    [Fact]
    public async Task Handle_ResponsePayloadWithErrorStatus_FailsWithHttpStatus()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(503, "down") };
        var flow = FlowWith(new JsonObject { ["url"] = server.BaseUrl.ToString(), ["response_payload"] = "Weather" });
        var e = await Assert.ThrowsAsync<HandlerException>(() => RunAsync(flow, Sao));
        Assert.Equal("http_status", e.Code);
    }

    [Fact]
    public async Task Handle_ResponsePayloadFromNonJson_FailsWithMappingError()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(200, "<html>nope</html>", "text/html") };
        var flow = FlowWith(new JsonObject { ["url"] = server.BaseUrl.ToString(), ["response_payload"] = "Weather" });
        var e = await Assert.ThrowsAsync<HandlerException>(() => RunAsync(flow, Sao));
        Assert.Equal("http_response_mapping", e.Code);
    }

    [Fact]
    public async Task Handle_PrivateAddress_IsEgressBlocked()
    {
        var flow = FlowWith(new JsonObject { ["url"] = "http://192.168.0.1/admin?city={{City}}" });
        var e = await Assert.ThrowsAsync<EgressException>(() => RunAsync(flow, Sao));
        Assert.Equal("egress_blocked", e.Code);
    }

    [Fact]
    public async Task Handle_SlowServer_FailsWithHttpTimeout()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Hang(TimeSpan.FromSeconds(5)) };
        var flow = FlowWith(new JsonObject { ["url"] = server.BaseUrl.ToString(), ["timeout_seconds"] = 0.3 });
        var e = await Assert.ThrowsAsync<EgressException>(() => RunAsync(flow, Sao));
        Assert.Equal("http_timeout", e.Code);
    }

    private static int ClosedPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Handle_NothingListening_FailsWithHttpUnreachable()
    {
        var flow = FlowWith(new JsonObject { ["url"] = $"http://127.0.0.1:{ClosedPort()}/x" });
        var e = await Assert.ThrowsAsync<EgressException>(() => RunAsync(flow, Sao));
        Assert.Equal("http_unreachable", e.Code);
        Assert.Contains("127.0.0.1", e.Message);
    }

    [Fact]
    public async Task Handle_HttpsToAPlainServer_FailsWithHttpTls()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(200, "plain") };
        var flow = FlowWith(new JsonObject { ["url"] = $"https://127.0.0.1:{server.BaseUrl.Port}/x" });
        var e = await Assert.ThrowsAsync<EgressException>(() => RunAsync(flow, Sao));
        Assert.Equal("http_tls", e.Code);
    }

    [Fact]
    public async Task Handle_ConnectionDropsMidBody_FailsWithHttpUnreachable()
    {
        // Promises 1 MB, sends a little, then resets the connection.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\npartial"u8.ToArray());
            await stream.FlushAsync();
            client.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        });
        var flow = FlowWith(new JsonObject { ["url"] = $"http://127.0.0.1:{port}/x" });
        var e = await Assert.ThrowsAsync<EgressException>(() => RunAsync(flow, Sao));
        await serve;
        Assert.Equal("http_unreachable", e.Code);
    }

    [Fact]
    public async Task Handle_ServerEchoesSecret_ValueIsRedactedFromTheResponse()
    {
        await using var server = new ScriptedServer
        {
            Fallback = async ctx =>
            {
                var auth = ctx.Request.Headers["Authorization"] ?? "";
                await ScriptedServer.Status(200, $"you sent {auth}", "text/plain", ("X-Echo", auth))(ctx);
            },
        };
        var flow = FlowWith(new JsonObject { ["url"] = server.BaseUrl.ToString(), ["headers"] = new JsonObject { ["Authorization"] = "Bearer {{secret:TOKEN}}" } });
        var result = await RunAsync(flow, Sao);
        var xml = Xml(Assert.Single(result.Emissions).Payload);
        Assert.Equal("Bearer s3cr3t", Assert.Single(server.Requests).Headers["Authorization"]);
        Assert.DoesNotContain("s3cr3t", xml);
        Assert.Contains("you sent Bearer [secret:TOKEN]", xml);
    }

    [Fact]
    public async Task Handle_MissingSecret_FailsWithSecretMissing()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(200, "ok") };
        var flow = FlowWith(new JsonObject { ["url"] = server.BaseUrl.ToString(), ["headers"] = new JsonObject { ["Authorization"] = "{{secret:NOPE}}" } });
        var e = await Assert.ThrowsAsync<HandlerException>(() => RunAsync(flow, Sao));
        Assert.Equal("secret_missing", e.Code);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void Validate_BadConfig_ReportsEachProblem()
    {
        var flow = FlowWith(new JsonObject
        {
            ["url"] = "http://example.com/{{secret:KEY}}/{{Nope}}",
            ["method"] = "FETCH",
            ["retries"] = 3,
            ["response_payload"] = "Missing",
        });
        var codes = new HttpHandlerFactory().Validate(new HandlerValidationContext { Flow = flow, Listener = flow.Listeners[0] }).Select(p => p.Code).ToList();
        Assert.Contains("unknown_key", codes);
        Assert.Contains("invalid_value", codes);
        Assert.Contains("unknown_field", codes);
        Assert.Contains("unknown_payload", codes);
    }

    [Fact]
    public void Validate_MissingUrl_IsReported()
    {
        var flow = FlowWith(new JsonObject());
        var problem = Assert.Single(new HttpHandlerFactory().Validate(new HandlerValidationContext { Flow = flow, Listener = flow.Listeners[0] }));
        Assert.Equal("missing_field", problem.Code);
        Assert.Equal("url", problem.Key);
    }
}
