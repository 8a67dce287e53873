using System.Text;
using System.Text.Json.Nodes;
using Nextra.Pump.Net;
using Nextra.Pump.Tests.Llm;
using Nextra.Pump.Wasm;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>
/// R2/R11 "a secret must never reach a host outside its hosts": a module granted a secret for one host and http for two
/// (the marketplace's WasmSecretGrant / AllowsUrl) calls http_fetch through the real host functions and the real guarded
/// egress client, against real servers on 127.0.0.1 (each port its own origin). The secret's value reaches its own host
/// only: never another granted host, never an ungranted one, never through a redirect; and never the guest.
/// </summary>
public sealed class HttpFetchSecretTests(WasmRuntimeFixture fixture) : IClassFixture<WasmRuntimeFixture>
{
    private const string Value = "s3cr3t-value-0123456789";

    private static Func<Uri, bool> Origin(params ScriptedServer[] servers) => url =>
        servers.Any(s => Uri.Compare(s.BaseUrl, url, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0);

    private async Task<JsonObject> FetchAsync(JsonObject request, Func<Uri, bool> allows, Func<Uri, bool> secretHosts, Dictionary<string, string>? tenantSecrets = null)
    {
        using var egress = EgressHttp.CreateClient(new EgressOptions { AllowList = ["127.0.0.1"] });
        var services = new TestServices(egress, secrets: tenantSecrets ?? new Dictionary<string, string> { ["TENANT_KEY"] = Value });
        var template = fixture.Runtime.CreateTemplate(fixture.Runtime.Compile(WasmCode.FromText("proxy", WatModules.HttpProxy)), WasmCapabilities.Http);
        var state = new WasmCallState(services, "run", 1, "proxy", default)
        {
            AllowsUrl = allows,
            Secrets = [new WasmSecretGrant("API_KEY", "TENANT_KEY", secretHosts)],
        };
        var result = await Task.Run(() => template.Invoke(Encoding.UTF8.GetBytes(request.ToJsonString()),
            new WasmCallLimits(100_000_000, 16 << 20, TimeSpan.FromSeconds(10)), state));
        var output = Encoding.UTF8.GetString(result.Output);
        Assert.DoesNotContain(Value, output, StringComparison.Ordinal); // the guest never sees the value
        return JsonNode.Parse(output)!.AsObject();
    }

    private static JsonObject Request(Uri url, string header = "Authorization", string value = "Bearer {secret:API_KEY}") => new()
    {
        ["url"] = url.ToString(),
        ["headers"] = new JsonObject { [header] = value, ["X-Plain"] = "plain" },
    };

    private static void NeverSawTheSecret(ScriptedServer server) =>
        Assert.DoesNotContain(server.Requests, r => r.Headers.Values.Any(v => v.Contains(Value, StringComparison.Ordinal)) || r.Body.Contains(Value, StringComparison.Ordinal));

    [Fact]
    public async Task Secret_ToItsOwnHost_IsSubstitutedInTheHeader()
    {
        await using var own = new ScriptedServer { Fallback = ScriptedServer.Status(200, "ok") };

        var json = await FetchAsync(Request(own.BaseUrl, "X-Api-Token", "{{secret:API_KEY}}"), Origin(own), Origin(own));

        Assert.Equal(200, (int)json["status"]!);
        var seen = Assert.Single(own.Requests);
        Assert.Equal(Value, seen.Headers["X-Api-Token"]);
        Assert.Equal("plain", seen.Headers["X-Plain"]);
    }

    [Fact]
    public async Task Secret_ToAnotherGrantedHost_RefusedBeforeAnythingIsSent()
    {
        await using var own = new ScriptedServer { Fallback = ScriptedServer.Status(200, "ok") };
        await using var other = new ScriptedServer { Fallback = ScriptedServer.Status(200, "thanks") };

        var json = await FetchAsync(Request(other.BaseUrl), Origin(own, other), Origin(own));

        Assert.Equal("secret_host_not_granted", (string?)json["code"]);
        Assert.Empty(other.Requests);
        Assert.Empty(own.Requests);
    }

    [Fact]
    public async Task Request_ToAHostOutsideTheGrants_Refused()
    {
        await using var own = new ScriptedServer { Fallback = ScriptedServer.Status(200, "ok") };
        await using var outside = new ScriptedServer { Fallback = ScriptedServer.Status(200, "thanks") };

        var json = await FetchAsync(Request(outside.BaseUrl), Origin(own), Origin(own));

        Assert.Equal("http_host_not_granted", (string?)json["code"]);
        Assert.Empty(outside.Requests);
    }

    [Fact]
    public async Task Redirect_FromItsOwnHostToAnUngrantedHost_RefusedAtTheHop()
    {
        await using var outside = new ScriptedServer { Fallback = ScriptedServer.Status(200, "got it") };
        await using var own = new ScriptedServer();
        own.Then(ScriptedServer.Redirect(outside.BaseUrl + "collect", 307));

        var json = await FetchAsync(Request(own.BaseUrl, "X-Api-Token", "{secret:API_KEY}"), Origin(own), Origin(own));

        Assert.Equal("http_host_not_granted", (string?)json["code"]);
        Assert.Equal(Value, Assert.Single(own.Requests).Headers["X-Api-Token"]);
        Assert.Empty(outside.Requests);
    }

    [Theory]
    [InlineData("Authorization", "Bearer {secret:API_KEY}")]
    [InlineData("X-Api-Token", "{{secret:API_KEY}}")]
    public async Task Redirect_FromItsOwnHostToAnotherGrantedHost_ArrivesWithoutTheSecret(string header, string value)
    {
        await using var other = new ScriptedServer { Fallback = ScriptedServer.Status(200, "arrived") };
        await using var own = new ScriptedServer();
        own.Then(ScriptedServer.Redirect(other.BaseUrl + "next", 307));

        var json = await FetchAsync(Request(own.BaseUrl, header, value), Origin(own, other), Origin(own));

        Assert.Equal(200, (int)json["status"]!);
        Assert.Equal("arrived", (string?)json["body"]);
        var hop = Assert.Single(other.Requests);
        Assert.False(hop.Headers.ContainsKey(header), $"{header} followed the redirect to another origin");
        Assert.Equal("plain", hop.Headers["X-Plain"]);
        NeverSawTheSecret(other);
    }

    [Fact]
    public async Task UngrantedOrUnboundSecret_RefusedWithItsCode()
    {
        await using var own = new ScriptedServer { Fallback = ScriptedServer.Status(200, "ok") };

        var ungranted = await FetchAsync(Request(own.BaseUrl, "Authorization", "Bearer {secret:OTHER_KEY}"), Origin(own), Origin(own));
        Assert.Equal("secret_not_granted", (string?)ungranted["code"]);
        var unbound = await FetchAsync(Request(own.BaseUrl), Origin(own), Origin(own), tenantSecrets: []);
        Assert.Equal("secrets_unbound", (string?)unbound["code"]);
        Assert.Empty(own.Requests);
    }
}
