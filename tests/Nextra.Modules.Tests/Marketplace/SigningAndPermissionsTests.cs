using System.Text.Json;
using Nextra.Modules.Marketplace;
using Nextra.Modules.Marketplace.Signing;

namespace Nextra.Modules.Tests.Marketplace;

public sealed class SigningAndPermissionsTests
{
    [Fact]
    public void Ed25519_SignVerify_TamperedMessageOrOtherKeyFails()
    {
        var (priv, pub) = Ed25519Keys.Generate();
        var (_, otherPub) = Ed25519Keys.Generate();
        var statement = PackageStatement.Create("acme/x", "1.0.0", "tool", new Dictionary<string, string> { ["tool.wasm"] = PackageStatement.Digest([1, 2, 3]) }, "sha256:p", "2026-01-01T00:00:00Z");
        var sig = Ed25519Keys.Sign(priv, PackageStatement.PublisherMessage(statement));
        Assert.True(Ed25519Keys.Verify(pub, PackageStatement.PublisherMessage(statement), sig));
        Assert.False(Ed25519Keys.Verify(otherPub, PackageStatement.PublisherMessage(statement), sig));
        Assert.False(Ed25519Keys.Verify(pub, PackageStatement.PublisherMessage(statement.Replace("1.0.0", "1.0.1", StringComparison.Ordinal)), sig));
        Assert.False(Ed25519Keys.Verify(pub, PackageStatement.ApprovalMessage(statement), sig));
        Assert.False(Ed25519Keys.Verify(pub, PackageStatement.PublisherMessage(statement), [1, 2, 3]));
        Assert.Equal(16, Ed25519Keys.KeyId(pub).Length);
    }

    [Fact]
    public void Statement_IsCanonical_SortedKeysNoWhitespace()
    {
        var s = PackageStatement.Create("acme/x", "1.0.0", "tool", new Dictionary<string, string> { ["z.txt"] = "sha256:2", ["README.md"] = "sha256:1" }, "sha256:p", "2026-01-01T00:00:00Z");
        Assert.Equal("""{"created":"2026-01-01T00:00:00Z","files":{"README.md":"sha256:1","z.txt":"sha256:2"},"id":"acme/x","kind":"tool","permissions_sha256":"sha256:p","type":"nextra.pkg/v1","version":"1.0.0"}""", s);
    }

    [Fact]
    public void Permissions_PlainWords_HashStable_WideningDetected()
    {
        var p = new ToolPermissions
        {
            Log = true, Kv = new KvGrant(1 << 20), Http = new HttpGrant(["https://api.openai.com", "https://*.slack.com"], ["GET", "POST"]),
            Secrets = [new SecretGrant("OPENAI_KEY", ["https://api.openai.com"], "LLM calls")], Limits = new ToolLimits(5_000_000, 16, 2000),
        };
        Assert.Equal(
        [
            "Sends HTTPS requests (GET, POST) to api.openai.com, *.slack.com",
            "Reads and writes up to 1 MiB of this flow's project memory",
            "Uses your secret OPENAI_KEY (only sent to api.openai.com)",
            "Writes to the flow's log",
            "Up to 5M fuel, 16 MiB memory, 2 s per call",
        ], p.Summary());
        var reordered = p with { Http = new HttpGrant(["https://*.slack.com", "https://api.openai.com"], ["POST", "GET"]) };
        Assert.Equal(p.Hash(), reordered.Hash());
        Assert.Empty(p.WidenedBy(reordered));
        Assert.Empty(p.WidenedBy(p with { Limits = new ToolLimits(1_000, 16, 2000), Log = false }));
        Assert.Equal(["new host https://evil.example.com", "more fuel per call"],
            p.WidenedBy(p with { Http = new HttpGrant(["https://api.openai.com", "https://evil.example.com"], ["GET"]), Limits = new ToolLimits(9_000_000, 16, 2000) }));
        Assert.Equal(["secret OPENAI_KEY sent to more hosts"],
            p.WidenedBy(p with { Secrets = [new SecretGrant("OPENAI_KEY", ["https://api.openai.com", "https://*.slack.com"])] }));
        var json = JsonSerializer.Serialize(p, MarketplaceJsonContext.Default.ToolPermissions);
        Assert.Equal(p.Hash(), JsonSerializer.Deserialize(json, MarketplaceJsonContext.Default.ToolPermissions)!.Hash());
    }

    [Theory]
    [InlineData("https://api.example.com", null)]
    [InlineData("https://*.slack.com", null)]
    [InlineData("https://api.example.com:8443", null)]
    [InlineData("http://api.example.com", "plain http")]
    [InlineData("https://localhost", "local")]
    [InlineData("https://127.0.0.1", "IP literal")]
    [InlineData("https://*.com", "two labels")]
    [InlineData("https://a.*.example.com", "https://host")]
    [InlineData("https://self", "local")]
    public void HostPatterns_Grammar(string pattern, string? problem)
    {
        var found = HostPatterns.Problem(pattern);
        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem, found);
    }

    [Fact]
    public void HostPatterns_Matches_WildcardAndPort()
    {
        Assert.True(HostPatterns.Matches("https://*.slack.com", new Uri("https://hooks.slack.com/x")));
        Assert.False(HostPatterns.Matches("https://*.slack.com", new Uri("https://slack.com/x")));
        Assert.False(HostPatterns.Matches("https://*.slack.com", new Uri("https://evilslack.com/x")));
        Assert.False(HostPatterns.Matches("https://api.example.com", new Uri("http://api.example.com/")));
        Assert.False(HostPatterns.Matches("https://api.example.com", new Uri("https://api.example.com:444/")));
        Assert.True(HostPatterns.Matches("https://api.example.com:444", new Uri("https://api.example.com:444/")));
    }

    [Fact]
    public void Sanitizer_FindsInlineBearerAndKeys_AllowsSecretReferences()
    {
        const string yaml = """
            organism: {name: t}
            listeners:
              - name: call
                handler: http
                config:
                  url: "https://api.example.com/x"
                  headers: {Authorization: "Bearer abcdefgh12345678"}
              - name: ok
                handler: http
                config:
                  headers: {Authorization: "Bearer {{secret:API_TOKEN}}"}
                  api_key_secret: OPENAI
              - name: aws
                description: AKIAABCDEFGHIJKLMNOP
            """;
        var result = TemplateSanitizer.Sanitize(yaml);
        Assert.Equal([(7, 32), (14, 18)], result.Findings.Select(f => (f.Line, f.Column)));
        Assert.Contains("Bearer", result.Findings[0].Message);
        Assert.Equal(["API_TOKEN", "OPENAI"], result.Secrets);
    }

    [Fact]
    public void Renderer_SubstitutesInScalarsOnly_TypeChecks_RenamesSecrets()
    {
        const string yaml = """
            organism: {name: t}
            listeners:
              - name: a
                description: "hi ${{ inputs.who }} and $${{ inputs.who }}"
                config: {retries: "${{ inputs.n }}", headers: {X: "{{secret:KEY}}"}, api_key_secret: KEY}
            """;
        TemplateInput[] inputs = [new("who", Required: true), new("n", "int", Default: "3")];
        var values = new Dictionary<string, JsonElement> { ["who"] = JsonDocument.Parse("\"x: [1]\\n- y\"").RootElement };
        var text = TemplateRenderer.Render(yaml, inputs, values, new() { ["KEY"] = "MY_KEY" });
        var doc = new YamlDotNet.RepresentationModel.YamlStream();
        doc.Load(new StringReader(text));
        var listener = (YamlDotNet.RepresentationModel.YamlMappingNode)((YamlDotNet.RepresentationModel.YamlSequenceNode)((YamlDotNet.RepresentationModel.YamlMappingNode)doc.Documents[0].RootNode)["listeners"]).Children[0];
        Assert.Equal("hi x: [1]\n- y and ${{ inputs.who }}", ((YamlDotNet.RepresentationModel.YamlScalarNode)listener["description"]).Value);
        var config = (YamlDotNet.RepresentationModel.YamlMappingNode)listener["config"];
        Assert.Equal("3", ((YamlDotNet.RepresentationModel.YamlScalarNode)config["retries"]).Value);
        Assert.Equal("MY_KEY", ((YamlDotNet.RepresentationModel.YamlScalarNode)config["api_key_secret"]).Value);
        Assert.Contains("{{secret:MY_KEY}}", text);
        Assert.Throws<Nextra.Modules.Common.ApiException>(() => TemplateRenderer.Render(yaml, inputs,
            new() { ["who"] = JsonDocument.Parse("\"a\"").RootElement, ["n"] = JsonDocument.Parse("\"many\"").RootElement }, []));
        Assert.Throws<Nextra.Modules.Common.ApiException>(() => TemplateRenderer.Render(yaml, inputs, [], []));
    }

    [Fact]
    public void Readme_ScriptsHandlersAndJavascriptLinksRenderedHarmless()
    {
        var html = ReadmeRenderer.Render("# Hi\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n[a](javascript:alert(1)) [b](https://example.com) ![i](JaVaScRiPt:x)");
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=\"x\"", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<a href=\"https://example.com\" rel=\"nofollow noopener\">b</a>", html);
        Assert.Contains("<h1", html);
    }

    [Fact]
    public void Ranking_WilsonAndFormula()
    {
        Assert.Equal(0, MarketplaceCatalog.Wilson(0, 0));
        Assert.True(MarketplaceCatalog.Wilson(90, 10) > MarketplaceCatalog.Wilson(2, 0)); // many good votes beat two perfect ones
        Assert.InRange(MarketplaceCatalog.Wilson(1, 0), 0.20, 0.21);
    }
}
