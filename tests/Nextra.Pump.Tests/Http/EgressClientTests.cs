using Nextra.Pump.Net;
using Nextra.Pump.Tests.Llm;

namespace Nextra.Pump.Tests.Http;

public class EgressClientTests
{
    private static Task<string> GetAsync(HttpClient client, string url, TimeSpan? timeout = null, Action<HttpRequestMessage>? setup = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        setup?.Invoke(request);
        return EgressHttp.SendAsync(client, request, timeout ?? TimeSpan.FromSeconds(10), HttpCompletionOption.ResponseContentRead,
            (r, ct) => r.Content.ReadAsStringAsync(ct), TimeProvider.System, CancellationToken.None);
    }

    private static HttpClient Client(long maxBytes = 10 * 1024 * 1024, params string[] allow) =>
        EgressHttp.CreateClient(new EgressOptions { AllowList = [.. allow], MaxResponseBytes = maxBytes });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Send_WithinAnActivity_SendsTraceparentOnlyWhenTheFlowOptsIn(bool propagate)
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(200, "ok") };
        using var client = EgressHttp.CreateClient(new EgressOptions { AllowList = ["127.0.0.1"] }, propagateTraceContext: propagate);
        using var activity = new System.Diagnostics.Activity("nextra-run").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();

        await GetAsync(client, server.BaseUrl.ToString());

        var headers = Assert.Single(server.Requests).Headers;
        Assert.Equal(propagate, headers.ContainsKey("traceparent"));
        if (propagate)
            Assert.Contains(activity.TraceId.ToString(), headers["traceparent"]);
    }

    [Fact]
    public async Task Send_LoopbackNotAllowListed_IsBlocked()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(200, "secret") };
        var e = await Assert.ThrowsAsync<EgressException>(() => GetAsync(Client(), server.BaseUrl.ToString()));
        Assert.Equal("egress_blocked", e.Code);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Send_HostNameResolvingToLoopback_IsBlockedAfterResolution()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(200, "secret") };
        var e = await Assert.ThrowsAsync<EgressException>(() => GetAsync(Client(), $"http://localhost:{server.BaseUrl.Port}/"));
        Assert.Equal("egress_blocked", e.Code);
        Assert.Contains("refused", e.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Send_AllowListedLoopback_Succeeds()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Status(200, "hello") };
        Assert.Equal("hello", await GetAsync(Client(allow: "127.0.0.1"), server.BaseUrl + "x"));
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/file")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/")]
    [InlineData("http://10.0.0.1/")]
    public async Task Send_ForbiddenTarget_IsBlockedWithoutConnecting(string url)
    {
        var e = await Assert.ThrowsAsync<EgressException>(() => GetAsync(Client(allow: "127.0.0.1"), url, TimeSpan.FromSeconds(2)));
        Assert.Equal("egress_blocked", e.Code);
    }

    [Fact]
    public async Task Send_RedirectToMetadataAddress_IsBlocked()
    {
        await using var server = new ScriptedServer();
        server.Then(ScriptedServer.Redirect("http://169.254.169.254/latest/meta-data/iam"));
        var e = await Assert.ThrowsAsync<EgressException>(() => GetAsync(Client(allow: "127.0.0.1"), server.BaseUrl.ToString()));
        Assert.Equal("egress_blocked", e.Code);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Send_RedirectToNonAllowListedLoopbackName_IsBlocked()
    {
        await using var server = new ScriptedServer();
        server.Then(ScriptedServer.Redirect($"http://[::1]:{server.BaseUrl.Port}/admin"));
        var e = await Assert.ThrowsAsync<EgressException>(() => GetAsync(Client(allow: "127.0.0.1"), server.BaseUrl.ToString()));
        Assert.Equal("egress_blocked", e.Code);
    }

    [Fact]
    public async Task Send_SameOriginRedirect_KeepsCredentials()
    {
        await using var server = new ScriptedServer();
        server.Then(ScriptedServer.Redirect("/next", 307)).Then(ScriptedServer.Status(200, "done"));
        var body = await GetAsync(Client(allow: "127.0.0.1"), server.BaseUrl.ToString(),
            setup: r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer keep"));
        Assert.Equal("done", body);
        var second = server.Requests.ToArray()[1];
        Assert.Equal("/next", second.Path);
        Assert.Equal("Bearer keep", second.Headers["Authorization"]);
    }

    [Theory]
    [InlineData(307, "POST", "{\"a\":1}")]
    [InlineData(308, "POST", "{\"a\":1}")]
    [InlineData(303, "GET", "")]
    [InlineData(302, "GET", "")]
    public async Task Send_RedirectOfPost_KeepsOrDropsBodyByStatus(int status, string method, string body)
    {
        await using var server = new ScriptedServer();
        server.Then(ScriptedServer.Redirect("/moved", status)).Then(ScriptedServer.Status(200, "ok"));
        var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl) { Content = new StringContent("{\"a\":1}") };
        await EgressHttp.SendAsync(Client(allow: "127.0.0.1"), request, TimeSpan.FromSeconds(10), HttpCompletionOption.ResponseContentRead,
            (r, ct) => r.Content.ReadAsStringAsync(ct), TimeProvider.System, CancellationToken.None);
        var second = server.Requests.ToArray()[1];
        Assert.Equal((method, body), (second.Method, second.Body));
    }

    [Fact]
    public async Task Send_CrossOriginRedirect_DropsCredentialsAndSecretHeaders()
    {
        await using var first = new ScriptedServer();
        await using var second = new ScriptedServer { Fallback = ScriptedServer.Status(200, "landed") };
        first.Then(ScriptedServer.Redirect(second.BaseUrl + "landing"));
        var body = await GetAsync(Client(allow: "127.0.0.1"), first.BaseUrl.ToString(), setup: r =>
        {
            r.Headers.TryAddWithoutValidation("Authorization", "Bearer secret");
            r.Headers.TryAddWithoutValidation("X-Token", "from-a-secret");
            r.Headers.TryAddWithoutValidation("X-Plain", "kept");
            r.Options.Set(EgressHttp.SensitiveHeadersOption, ["X-Token"]);
        });
        Assert.Equal("landed", body);
        var landed = Assert.Single(second.Requests);
        Assert.False(landed.Headers.ContainsKey("Authorization"));
        Assert.False(landed.Headers.ContainsKey("X-Token"));
        Assert.Equal("kept", landed.Headers["X-Plain"]);
    }

    [Fact]
    public async Task Send_MoreThanFiveRedirects_Fails()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Redirect("/again") };
        var e = await Assert.ThrowsAsync<EgressException>(() => GetAsync(Client(allow: "127.0.0.1"), server.BaseUrl.ToString()));
        Assert.Equal("egress_redirects", e.Code);
        Assert.Equal(6, server.Requests.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Send_BodyOverCap_IsCut(bool declareLength)
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Bytes(200_000, declareLength) };
        var e = await Assert.ThrowsAsync<EgressException>(() => GetAsync(Client(maxBytes: 50_000, allow: "127.0.0.1"), server.BaseUrl.ToString()));
        Assert.Equal("egress_too_large", e.Code);
    }

    [Fact]
    public async Task Send_BodyOverCapWhileStreaming_IsCut()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Bytes(200_000) };
        var client = Client(maxBytes: 50_000, allow: "127.0.0.1");
        var e = await Assert.ThrowsAsync<EgressException>(() => EgressHttp.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, server.BaseUrl),
            TimeSpan.FromSeconds(10), HttpCompletionOption.ResponseHeadersRead, async (r, ct) =>
            {
                await using var s = await r.Content.ReadAsStreamAsync(ct);
                await s.CopyToAsync(Stream.Null, ct);
                return 0;
            }, TimeProvider.System, CancellationToken.None));
        Assert.Equal("egress_too_large", e.Code);
    }

    [Fact]
    public async Task Send_SlowServer_TimesOut()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Hang(TimeSpan.FromSeconds(5)) };
        var started = DateTimeOffset.UtcNow;
        var e = await Assert.ThrowsAsync<EgressException>(() => GetAsync(Client(allow: "127.0.0.1"), server.BaseUrl.ToString(), TimeSpan.FromMilliseconds(300)));
        Assert.Equal("http_timeout", e.Code);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Send_CallerCancels_IsNotReportedAsTimeout()
    {
        await using var server = new ScriptedServer { Fallback = ScriptedServer.Hang(TimeSpan.FromSeconds(5)) };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EgressHttp.SendAsync(Client(allow: "127.0.0.1"),
            new HttpRequestMessage(HttpMethod.Get, server.BaseUrl), TimeSpan.FromSeconds(10), HttpCompletionOption.ResponseContentRead,
            (r, ct) => r.Content.ReadAsStringAsync(ct), TimeProvider.System, cts.Token));
    }
}
