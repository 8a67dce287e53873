using System.Text;
using System.Text.Json.Nodes;
using Nextra.Pump.Net;
using Nextra.Pump.Tests.Llm;
using Nextra.Pump.Wasm;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>
/// <c>http_fetch</c> through the real host functions and the real guarded egress client, against a real
/// server on 127.0.0.1: every answer a module can get back must be a JSON value, never a trap.
/// </summary>
public sealed class HttpFetchLoopbackTests(WasmRuntimeFixture fixture) : IClassFixture<WasmRuntimeFixture>
{
    private const int EgressCap = 64 * 1024;

    private async Task<JsonObject> FetchAsync(string url, int timeoutMs = 10_000)
    {
        using var egress = EgressHttp.CreateClient(new EgressOptions { AllowList = ["127.0.0.1"], MaxResponseBytes = EgressCap });
        var services = new TestServices(egress);
        var template = fixture.Runtime.CreateTemplate(fixture.Runtime.Compile(WasmCode.FromText("proxy", WatModules.HttpProxy)), WasmCapabilities.Http);
        var limits = new WasmCallLimits(100_000_000, 16 << 20, TimeSpan.FromMilliseconds(timeoutMs));
        var input = Encoding.UTF8.GetBytes(new JsonObject { ["url"] = url }.ToJsonString());
        // Invoke blocks its thread while the host waits on the network, as it does in a handler.
        var result = await Task.Run(() => template.Invoke(input, limits, new WasmCallState(services, "run", 1, "proxy", default)));
        return JsonNode.Parse(result.Output)!.AsObject();
    }

    [Fact]
    public async Task HttpFetch_Ok_ReturnsStatusHeadersAndBody()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(200, "hello from loopback", "text/plain", ("X-Test", "yes")) };

        var json = await FetchAsync(server.BaseUrl + "ok");

        Assert.Null(json["error"]);
        Assert.Equal(200, (int)json["status"]!);
        Assert.Equal("hello from loopback", (string?)json["body"]);
        Assert.Equal("yes", (string?)json["headers"]!["x-test"]);
    }

    [Fact]
    public async Task HttpFetch_NotFound_ReturnsTheStatusNotAnError()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(404, "no such thing") };

        var json = await FetchAsync(server.BaseUrl + "missing");

        Assert.Equal(404, (int)json["status"]!);
        Assert.Equal("no such thing", (string?)json["body"]);
    }

    [Fact]
    public async Task HttpFetch_Redirect_IsFollowedThroughTheGuard()
    {
        await using var server = new ScriptedServer();
        server.Then(ScriptedServer.Redirect("/final")).Then(ScriptedServer.Status(200, "arrived"));

        var json = await FetchAsync(server.BaseUrl + "start");

        Assert.Equal(200, (int)json["status"]!);
        Assert.Equal("arrived", (string?)json["body"]);
        Assert.Equal(["/start", "/final"], server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task HttpFetch_SlowBody_IsReadToTheEnd()
    {
        await using var server = new ScriptedServer
        {
            Fallback = async ctx =>
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.SendChunked = true;
                await ctx.Response.OutputStream.WriteAsync("first,"u8.ToArray());
                await ctx.Response.OutputStream.FlushAsync();
                await Task.Delay(300);
                await ctx.Response.OutputStream.WriteAsync("second"u8.ToArray());
            },
        };

        var json = await FetchAsync(server.BaseUrl + "slow");

        Assert.Equal(200, (int)json["status"]!);
        Assert.Equal("first,second", (string?)json["body"]);
    }

    [Fact]
    public async Task HttpFetch_BodyPastTheEgressCap_IsAnErrorValueNotATrap()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Bytes(EgressCap * 4) };

        var json = await FetchAsync(server.BaseUrl + "big");

        Assert.Contains("exceeds", (string?)json["error"]);
    }

    [Fact]
    public async Task HttpFetch_BodyPastTheModuleCap_IsTruncated()
    {
        // Under the egress cap but over what a module is handed (WasmOptions.MaxHttpResponseBytes).
        const int cap = 4096;
        using var runtime = new WasmRuntime(new WasmOptions { MaxHttpResponseBytes = cap, PoolingInstances = 0 });
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Bytes(cap + 1000, declareLength: true) };
        using var egress = EgressHttp.CreateClient(new EgressOptions { AllowList = ["127.0.0.1"], MaxResponseBytes = cap * 2L });
        var template = runtime.CreateTemplate(runtime.Compile(WasmCode.FromText("proxy", WatModules.HttpProxy)), WasmCapabilities.Http);
        var input = Encoding.UTF8.GetBytes(new JsonObject { ["url"] = server.BaseUrl + "big" }.ToJsonString());

        var result = await Task.Run(() => template.Invoke(input, new WasmCallLimits(100_000_000, 64 << 20, TimeSpan.FromSeconds(10)),
            new WasmCallState(new TestServices(egress), "run", 1, "proxy", default)));

        var json = JsonNode.Parse(result.Output)!.AsObject();
        Assert.Equal(200, (int)json["status"]!);
        Assert.True((bool)json["truncated"]!);
        Assert.Equal(cap, ((string?)json["body"])!.Length);
    }

    [Fact]
    public async Task HttpFetch_NothingListening_IsAnErrorValue()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closed = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var json = await FetchAsync($"http://127.0.0.1:{closed}/");

        Assert.NotNull((string?)json["error"]);
    }
}
