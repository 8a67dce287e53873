using System.Net;
using Microsoft.AspNetCore.Http;
using Nextra.Host.Ui;

namespace Nextra.Host.Tests.Ui;

/// <summary>The embedded UI: SPA fallback, cache headers, CSP; and the page shown when no UI was built.</summary>
public sealed class UiEndpointsTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    // The test assembly embeds Ui/Fixture/** as ui/<path>, like the Host embeds wwwroot/dist/**.
    private static readonly EmbeddedUi Fixture = new(typeof(UiEndpointsTests).Assembly);

    private static async Task<(DefaultHttpContext Http, string Body)> ServeAsync(EmbeddedUi ui, string path, string method = "GET")
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        var body = new MemoryStream();
        http.Response.Body = body;
        await UiEndpoints.ServeAsync(http, ui);
        return (http, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/flows/123/edit")]
    [InlineData("/setup")]
    public async Task ClientRoute_ServesIndexNoCacheWithCsp(string path)
    {
        var (http, body) = await ServeAsync(Fixture, path);

        Assert.Contains("<div id=\"root\">", body, StringComparison.Ordinal);
        Assert.Equal("no-cache", http.Response.Headers.CacheControl.ToString());
        Assert.Contains("script-src 'self'", http.Response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        Assert.Equal("text/html", http.Response.ContentType);
    }

    [Fact]
    public async Task HashedAsset_ServedImmutable()
    {
        var (http, body) = await ServeAsync(Fixture, "/assets/app-1a2b3c.js");

        Assert.Contains("console.log", body, StringComparison.Ordinal);
        Assert.Contains("immutable", http.Response.Headers.CacheControl.ToString(), StringComparison.Ordinal);
        Assert.Equal("text/javascript", http.Response.ContentType);
    }

    [Fact]
    public async Task MissingAsset_Is404NotIndex()
    {
        await Assert.ThrowsAsync<Nextra.Modules.Common.ApiException>(() => ServeAsync(Fixture, "/assets/gone-123.js"));
    }

    [Fact]
    public async Task NoUiBuilt_ServesExplanationPage()
    {
        var empty = new EmbeddedUi(typeof(Nextra.Modules.Common.ApiException).Assembly);

        var (http, body) = await ServeAsync(empty, "/");

        Assert.Contains("UI was not built", body, StringComparison.Ordinal);
        Assert.Equal("no-cache", http.Response.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task RealHost_RootAndClientRoutes_AreHtml()
    {
        var client = factory.CreateClient();

        foreach (var path in new[] { "/", "/flows/abc" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.Contains("Content-Security-Policy"));
        }
    }
}
