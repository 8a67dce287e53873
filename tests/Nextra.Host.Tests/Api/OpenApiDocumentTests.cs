using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nextra.Modules.Common;

namespace Nextra.Host.Tests.Api;

/// <summary>The OpenAPI document is complete (issue 16 item 8) and its reference page works offline.</summary>
public sealed partial class OpenApiDocumentTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private async Task<JsonObject> DocumentAsync() =>
        (await factory.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

    private static IEnumerable<(string Method, string Path, JsonObject Operation)> Operations(JsonObject doc) =>
        from path in doc["paths"]!.AsObject()
        from op in path.Value!.AsObject()
        where Methods.Contains(op.Key)
        select (op.Key.ToUpperInvariant(), path.Key, op.Value!.AsObject());

    [Fact]
    public async Task EveryOperation_SignedInRoutesHaveSecurity_AnonymousOnesNone()
    {
        var doc = await DocumentAsync();
        var schemes = doc["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("bearer", schemes["apiKey"]!["scheme"]!.GetValue<string>());
        Assert.Equal("nextra_session", schemes["session"]!["name"]!.GetValue<string>());
        Assert.Equal("X-Nextra-Csrf", schemes["csrf"]!["name"]!.GetValue<string>());

        var checkedOps = 0;
        foreach (var (method, path, op) in Operations(doc))
        {
            var rule = RuleFor(method, path);
            Assert.True(rule is not null, $"{method} {path} has no route rule");
            var named = (op["security"] as JsonArray ?? []).SelectMany(r => r!.AsObject().Select(p => p.Key)).ToHashSet();
            if (rule!.Minimum is null)
            {
                Assert.True(named.Count == 0, $"{method} {path} is anonymous but documents security");
            }
            else
            {
                Assert.True(named.SetEquals(method == "GET" ? ["apiKey", "session"] : ["apiKey", "session", "csrf"]), $"{method} {path}: {string.Join(",", named)}");
                Assert.True(op["responses"]!["401"] is not null, $"{method} {path} lacks 401");
                Assert.True(op["responses"]!["403"] is not null, $"{method} {path} lacks 403");
            }
            checkedOps++;
        }
        Assert.True(checkedOps > 80, $"only {checkedOps} operations");
    }

    [Fact]
    public async Task EveryOperation_HasASuccessWithSchema_AndErrorsAsProblems()
    {
        var doc = await DocumentAsync();
        foreach (var (method, path, op) in Operations(doc))
        {
            var responses = op["responses"]!.AsObject();
            var success = responses.Where(r => r.Key.StartsWith('2') || r.Key.StartsWith('3')).ToList();
            Assert.True(success.Count > 0, $"{method} {path} has no success answer");
            foreach (var (status, response) in success.Where(r => r.Key.StartsWith('2') && r.Key is not "204" and not "202"))
            {
                var content = response!["content"] as JsonObject;
                Assert.True(content is { Count: > 0 } && content.All(c => c.Value!["schema"] is not null), $"{method} {path} {status} has no schema");
            }
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5' && r.Key != "504" && !(path == "/health/ready" && r.Key == "503")))
            {
                var schema = response!["content"]?["application/problem+json"]?["schema"];
                Assert.True(schema is not null, $"{method} {path} {status} is not problem+json");
            }
        }
    }

    [Fact]
    public async Task TriggersAndRuns_DocumentTheirRealAnswers()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject();

        foreach (var path in new[] { "/api/triggers/{flowId}/webhook/{token}", "/api/triggers/{flowId}/inject", "/api/runs/{id}/replay" })
        {
            var responses = paths[path]!["post"]!["responses"]!.AsObject();
            Assert.Contains("RunView", responses["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("RunAccepted", responses["202"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.NotNull(responses["429"]);
            Assert.NotNull(responses["503"]);
        }
        var webhook = paths["/api/triggers/{flowId}/webhook/{token}"]!["post"]!["responses"]!.AsObject();
        Assert.NotNull(webhook["413"]);
        Assert.NotNull(webhook["422"]);
        Assert.NotNull(paths["/api/triggers/{flowId}/inject"]!["post"]!["responses"]!["409"]);
        Assert.Contains("FlowStatusView", paths["/api/flows/{id}/start"]!["post"]!["responses"]!["200"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("HealthResponse", paths["/health/ready"]!["get"]!["responses"]!["503"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(paths["/oidc/{provider}/login"]!["get"]!["responses"]!["404"]);
        Assert.Contains("validation_failed", paths["/api/flows"]!["post"]!["responses"]!["422"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("Without `wait`", webhook["202"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_HasIntroductionTagDescriptionsAndServersWithoutTrailingSlash()
    {
        var doc = await DocumentAsync();

        Assert.Contains("Authorization: Bearer", doc["info"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(doc["tags"]!.AsArray(), t => Assert.False(string.IsNullOrWhiteSpace(t!["description"]?.GetValue<string>()), t!["name"]!.GetValue<string>()));
        var servers = doc["servers"]!.AsArray();
        Assert.NotEmpty(servers);
        Assert.All(servers, s => Assert.False(s!["url"]!.GetValue<string>().EndsWith('/'), s["url"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ReferencePage_LoadsNothingFromOtherHosts()
    {
        using var page = await factory.CreateClient().GetAsync("/openapi/");
        var html = await page.Content.ReadAsStringAsync();

        page.EnsureSuccessStatusCode();
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(ExternalUrl().Matches(html).Select(m => m.Value));
        Assert.Contains("\"showDeveloperTools\":\"never\"", html, StringComparison.Ordinal);
        Assert.Contains("\"hideClientButton\":true", html, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliCommand_WritesTheServedDocument_WithoutAServer()
    {
        var served = await DocumentAsync();
        var dir = Directory.CreateTempSubdirectory("nextra-openapi-test-");
        try
        {
            var file = Path.Combine(dir.FullName, "openapi.json");
            var (code, _, stderr) = await Process.NextraProcess.RunWithAsync(
                new Dictionary<string, string> { ["NEXTRA_SERVER__PUBLIC_URL"] = "https://nextra.example.test/" }, "openapi", "-o", file);

            Assert.True(code == 0, stderr);
            var written = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
            Assert.Equal("https://nextra.example.test", written["servers"]![0]!["url"]!.GetValue<string>());
            Assert.Empty(dir.GetFiles().Where(f => f.Name != "openapi.json").Concat(dir.GetDirectories().Select(d => new FileInfo(d.FullName))));
            // Same generator and transformers: equal apart from the server (a served document names the request's host).
            written.Remove("servers");
            served.Remove("servers");
            Assert.Equal(served.ToJsonString(), written.ToJsonString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static RouteRule? RuleFor(string method, string docPath)
    {
        // The document drops route constraints ({n:long} → {n}); the table keeps them.
        return RouteTable.Rules.FirstOrDefault(r => (r.Method == method || r.Method == "*") && Constraint().Replace(r.Pattern, "}") == docPath);
    }

    [GeneratedRegex(@"https?://[^\s""'<>]+", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalUrl();

    [GeneratedRegex(@":[a-z]+\}")]
    private static partial Regex Constraint();
}
