using System.Net;
using System.Text.Json.Nodes;
using Nextra.Pump.Handlers.Code;
using static Nextra.Pump.Tests.Wasm.CodeTestKit;

namespace Nextra.Pump.Tests.Wasm;

public sealed class HttpFetchTests(WasmRuntimeFixture fixture) : IClassFixture<WasmRuntimeFixture>
{
    /// <summary>Stands in for the guarded egress client (the network is not under test here).</summary>
    private sealed class FakeEgress : HttpMessageHandler
    {
        public HttpRequestMessage? Seen { get; private set; }
        public string? SeenBody { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Seen = request;
            SeenBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
            if (request.RequestUri!.Host == "blocked.test")
                throw new HttpRequestException("egress_blocked: private address");
            return new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent("pong") };
        }
    }

    [Fact]
    public async Task HttpFetch_GrantedHttp_GoesThroughEgressAndReturnsResponse()
    {
        var egress = new FakeEgress();
        var services = new TestServices(new HttpClient(egress));
        // Echoing the request object as the payload: the module passes its input straight to http_fetch.
        var factory = new CodeHandlerFactory(fixture.Runtime);
        var handler = Create(factory, WatConfig(WatModules.HttpProxy, "http"), services);
        var schema = new TestSchema("Req", ("method", "string"), ("url", "string"), ("body", "string"));
        var ctx = Context(new("Req", new System.Xml.Linq.XElement("method", "POST"), new System.Xml.Linq.XElement("url", "http://api.test/x"), new System.Xml.Linq.XElement("body", "ping")), services);
        var context = new Nextra.Pump.Handlers.HandlerContext
        {
            Payload = ctx.Payload, Schema = schema, Metadata = ctx.Metadata, Listener = ctx.Listener, Flow = ctx.Flow,
            Peers = ctx.Peers, History = ctx.History, Services = services, RunId = ctx.RunId, StepIndex = 1, Schemas = ctx.Schemas,
        };
        var ex = await Assert.ThrowsAsync<Nextra.Pump.Handlers.HandlerException>(() => handler.HandleAsync(context, default).AsTask());
        // The response {status, headers, body} is not a Req payload, so mapping fails, but the request happened:
        Assert.Equal("wasm_bad_output", ex.Code);
        Assert.Equal(HttpMethod.Post, egress.Seen!.Method);
        Assert.Equal("ping", egress.SeenBody);
        Assert.Contains("'status'", ex.Message);
    }

    [Fact]
    public async Task HttpFetch_ResponseJson_HasStatusAndBody()
    {
        var services = new TestServices(new HttpClient(new FakeEgress()));
        var template = fixture.Runtime.CreateTemplate(fixture.Runtime.Compile(Nextra.Pump.Wasm.WasmCode.FromText("proxy", WatModules.HttpProxy)), Nextra.Pump.Wasm.WasmCapabilities.Http);
        var limits = new Nextra.Pump.Wasm.WasmCallLimits(10_000_000, 16 << 20, TimeSpan.FromSeconds(5));
        var ok = await Task.Run(() => template.Invoke("""{"url":"http://api.test/"}"""u8, limits, new(services, "run", 1, "b", default)));
        var json = JsonNode.Parse(ok.Output)!;
        Assert.Equal(201, json["status"]!.GetValue<int>());
        Assert.Equal("pong", json["body"]!.GetValue<string>());

        var blocked = await Task.Run(() => template.Invoke("""{"url":"http://blocked.test/"}"""u8, limits, new(services, "run", 1, "b", default)));
        Assert.Contains("egress_blocked", JsonNode.Parse(blocked.Output)!["error"]!.GetValue<string>());
    }
}
