using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Nextra.Host.Tests.Api;

/// <summary>
/// Issue 12: login rate limiting honours <c>X-Forwarded-For</c> only from <c>[server] trusted_proxies</c>. The test
/// server's connections come from <see cref="Peer"/> (what a real socket's remote address would be).
/// </summary>
public sealed class TrustedProxiesTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    /// <summary>Sets the connection's remote address before the host's pipeline (the test server leaves it empty).</summary>
    private sealed class Peer(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private WebApplicationFactory<Program> Host(string peer, params string[] trustedProxies) => factory.WithWebHostBuilder(b =>
    {
        b.ConfigureAppConfiguration((_, config) =>
        {
            var settings = new Dictionary<string, string?> { ["Accounts:LoginAttemptsPerMinute"] = "2" };
            for (var i = 0; i < trustedProxies.Length; i++) settings[$"Server:TrustedProxies:{i}"] = trustedProxies[i];
            config.AddInMemoryCollection(settings);
        });
        b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(new Peer(IPAddress.Parse(peer))));
    });

    private static async Task<HttpStatusCode> LoginAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = JsonContent.Create(new { email = "nobody@example.test", password = "wrong password" }),
        };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.0/8")]
    public async Task TrustedProxy_ClientsByForwardedFor_LimitedSeparately(string trusted)
    {
        await using var host = Host("127.0.0.1", trusted);
        var client = host.CreateClient();
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await LoginAsync(client, "203.0.113.1"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await LoginAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(client, "203.0.113.1"));
        // Another client behind the same proxy has its own limit.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await LoginAsync(client, "203.0.113.2"));
        // A client that prepends a made-up address is still known by the address the proxy saw (the rightmost).
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(client, "198.51.100.7, 203.0.113.1"));
    }

    [Fact]
    public async Task NoTrustedProxies_ForwardedForIgnored_SpoofCannotEscapeTheLimit()
    {
        await using var host = Host("127.0.0.1");
        var client = host.CreateClient();
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await LoginAsync(client, "203.0.113.1"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await LoginAsync(client, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(client, "203.0.113.3"));
    }

    [Fact]
    public async Task UntrustedPeer_ForwardedForIgnored()
    {
        // A proxy is configured, but this connection does not come from it.
        await using var host = Host("192.0.2.50", "127.0.0.1");
        var client = host.CreateClient();
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await LoginAsync(client, "203.0.113.1"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await LoginAsync(client, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(client, "203.0.113.3"));
    }
}
