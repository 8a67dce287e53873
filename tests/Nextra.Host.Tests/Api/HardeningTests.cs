using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Nextra.Host.Tests.Api;

/// <summary>Issue 19's smaller findings: error shape whatever the Accept, caching, rate-limit hints, CSP, hub origins, metrics.</summary>
public sealed class HardeningTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (string?)JsonNode.Parse(text)!["code"]);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("text/event-stream")]
    [InlineData("image/png")]
    public async Task ApiError_NonJsonAccept_IsStillProblemJson(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/triggers/x/webhook/y") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd(accept);

        using var response = await factory.CreateClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task LogsStream_UnknownFlow_IsProblemJson404()
    {
        var user = await factory.CreateUserAsync("sse-404");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/flows/no-such-flow/logs");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await user.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Unauthenticated_HtmlAccept_IsProblemJson401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/flows");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await factory.CreateClient().SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task ApiResponses_AreNoStore()
    {
        var user = await factory.CreateUserAsync("no-store");

        using var key = await user.Client.PostAsJsonAsync("/api/apikeys", new { name = "fresh" });
        using var list = await user.Client.GetAsync("/api/flows");
        using var error = await factory.CreateClient().GetAsync("/api/flows");

        foreach (var response in new[] { key, list, error })
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage!.RequestUri}: {response.Headers.CacheControl}");
    }

    [Fact]
    public async Task Login_OverTheLimit_429WithRetryAfter()
    {
        // Added after the fixture's own settings, so it wins over their 30 a minute.
        using var limited = factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, config) =>
            config.AddInMemoryCollection(new Dictionary<string, string?> { ["Accounts:LoginAttemptsPerMinute"] = "2" })));
        var client = limited.CreateClient();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
            last = await client.PostAsJsonAsync("/api/auth/login", new { email = "nobody@example.test", password = "wrong password" });

        await AssertProblemAsync(last!, HttpStatusCode.TooManyRequests, "rate_limited");
        var retry = last!.Headers.RetryAfter?.Delta;
        Assert.NotNull(retry);
        Assert.InRange(retry!.Value.TotalSeconds, 1, 60);
    }

    [Fact]
    public async Task Ui_Csp_ConnectSrcIsTheServersOwnOrigin()
    {
        using var response = await factory.CreateClient().GetAsync("/flows");

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var connect = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("connect-src", StringComparison.Ordinal));
        Assert.Equal("connect-src 'self' ws://localhost wss://localhost", connect);
    }

    private async Task<HttpClient> SignedInBrowserAsync(string tenant)
    {
        var user = await factory.CreateUserAsync(tenant);
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        (await browser.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = TestUser.Password })).EnsureSuccessStatusCode();
        return browser;
    }

    private static Task<HttpResponseMessage> NegotiateAsync(HttpClient client, string? origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/events/negotiate?negotiateVersion=1");
        if (origin is not null) request.Headers.Add("Origin", origin);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task Hub_CookieFromAnotherOrigin_Is403()
    {
        var browser = await SignedInBrowserAsync("hub-evil");

        using var response = await NegotiateAsync(browser, "http://evil.example");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "origin_not_allowed");
    }

    [Theory]
    [InlineData("http://localhost")]
    [InlineData("https://localhost")] // behind a TLS-terminating proxy
    [InlineData(null)]
    public async Task Hub_CookieFromTheServersOwnOrigin_Negotiates(string? origin)
    {
        var browser = await SignedInBrowserAsync("hub-own");

        using var response = await NegotiateAsync(browser, origin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Hub_CookieFromAConfiguredOrigin_Negotiates()
    {
        using var configured = factory.WithWebHostBuilder(b => b.UseSetting("Server:AllowedOrigins:0", "https://ui.example.com"));
        var user = await factory.CreateUserAsync("hub-allowed");
        var browser = configured.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        (await browser.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = TestUser.Password })).EnsureSuccessStatusCode();

        using var allowed = await NegotiateAsync(browser, "https://ui.example.com");
        using var other = await NegotiateAsync(browser, "https://ui.example.com.evil.example");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Hub_BearerFromAnyOrigin_Negotiates()
    {
        var user = await factory.CreateUserAsync("hub-bearer");

        using var response = await NegotiateAsync(user.Client, "http://evil.example");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_WithToken_NeedsTheBearer()
    {
        using var protectedMetrics = factory.WithWebHostBuilder(b => b.UseSetting("Metrics:Token", "scrape-me-please"));
        var client = protectedMetrics.CreateClient();

        using var anonymous = await client.GetAsync("/metrics");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "scrape-me-plea") } };
        using var wrongResponse = await client.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "scrape-me-please") } };
        using var rightResponse = await client.SendAsync(right);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightResponse.StatusCode);
        Assert.Contains("nextra_", await rightResponse.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_WithoutToken_StaysOpen()
    {
        using var response = await factory.CreateClient().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
