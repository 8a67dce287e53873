using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Host.Tests.Api;
using Nextra.Modules.Tiers;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>/api/marketplace through the real host: publish, search, consent, install, run, tamper, upgrade, templates, privacy, tiers.</summary>
public sealed class MarketplaceApiTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Echo = """
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))
        """;

    private const string FetchImport = """
        (module
          (import "nextra" "http_fetch" (func $fetch (param i32 i32) (result i64)))
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64) (call $fetch (local.get $p) (local.get $l))))
        """;

    private static string UsesTool(string module) => """
        organism: {name: uses-tool}
        payloads:
          Text: {fields: {Text: string}}
        listeners:
          - name: a
            description: runs an installed marketplace tool
            payload_class: Text
            handler: code
            config: {module: "MODULE"}
        """.Replace("MODULE", module, StringComparison.Ordinal);

    private async Task<(TestUser User, string Handle)> PublisherAsync(string tenant)
    {
        var user = await factory.CreateUserAsync(tenant);
        var me = await user.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher");
        return (user, me!["handle"]!.GetValue<string>());
    }

    private static async Task<JsonNode> PublishToolAsync(TestUser user, string name, string version, object permissions, string wat = Echo, string visibility = "public",
        string readme = "# Echo\nAnswers with its input.", int status = 202)
    {
        var module = await Json.PostAsync(user.Client, "/api/modules", new { name = name.Replace("-", "_", StringComparison.Ordinal), kind = "wat", content = wat }, 201);
        var body = await Json.PostAsync(user.Client, "/api/marketplace/publish", new
        {
            kind = "tool", moduleId = module["id"]!.GetValue<string>(), name, version, displayName = "Echo " + name, summary = "Answers with its input",
            readme, categories = new[] { "utility" }, permissions, visibility,
        }, status);
        if (status != 202) return body;
        var submission = await user.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/submissions/{body["submissionId"]}");
        Assert.Equal("published", submission!["state"]!.GetValue<string>());
        return submission;
    }

    [Fact]
    public async Task Tool_PublishedByA_FoundInstalledAndRunByB_TamperedArtifactFailsTheStep()
    {
        var (a, handle) = await PublisherAsync("mkt-a");
        var submission = await PublishToolAsync(a, "echo-tool", "1.0.0", new { log = false },
            readme: "# Echo\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n[click](javascript:alert(1)) [site](https://example.com)");
        var id = $"{handle}/echo-tool";
        Assert.Equal(id, submission["listingId"]!.GetValue<string>());
        Assert.Contains(submission["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "imports" && c["ok"]!.GetValue<bool>());

        var b = await factory.CreateUserAsync("mkt-b");
        var found = await b.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/tools?q=echo");
        var card = Assert.Single(found!["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == id)!;
        Assert.Equal("1.0.0", card["version"]!.GetValue<string>());
        Assert.Equal("community", card["reviewLevel"]!.GetValue<string>());

        var detail = await b.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{id}");
        Assert.Contains("Makes no network requests", detail!["permissionSummary"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.True(detail["signatureValid"]!.GetValue<bool>());
        var html = detail["readmeHtml"]!.GetValue<string>();
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("rel=\"nofollow noopener\"", html);

        // Consent first: without it the answer lists what would be granted.
        var refused = await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id }, 400);
        Assert.Equal("permission_approval_required", refused["code"]!.GetValue<string>());
        var install = await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id, acceptPermissions = true }, 201);
        Assert.Equal($"{id}@1", install["module"]!.GetValue<string>());

        var flow = await Json.PostAsync(b.Client, "/api/flows", Flows.Create("Uses marketplace tool", UsesTool($"{id}@1")), 201);
        var run = await Json.PostAsync(b.Client, $"/api/triggers/{flow["id"]}/inject?wait=20", new { payload = new { text = "hello" }, target = "a", payloadClass = "Text" }, 200);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal("hello", run["outputs"]![0]!["payload"]!["Text"]!.GetValue<string>());

        // B ran it, so B may vote; a repeat replaces the vote. B's tenant is minutes old, so the vote is held (R7), not counted.
        var first = await Json.PostAsync(b.Client, $"/api/marketplace/tools/{id}/votes", new { up = false }, 200);
        var votes = await Json.PostAsync(b.Client, $"/api/marketplace/tools/{id}/votes", new { up = true, text = "works" }, 200);
        Assert.Equal(first["reviewId"]!.GetValue<string>(), votes["reviewId"]!.GetValue<string>());
        Assert.True(votes["held"]!.GetValue<bool>());
        Assert.Equal(0, votes["votesUp"]!.GetValue<long>());
        Assert.Equal(0, votes["votesDown"]!.GetValue<long>());
        var stranger = await factory.CreateUserAsync("mkt-stranger");
        Assert.Equal("vote_requires_use", (await Json.PostAsync(stranger.Client, $"/api/marketplace/tools/{id}/votes", new { up = true }, 403))["code"]!.GetValue<string>());

        // The stored artifact is altered behind the server's back: the next load refuses it, and the step fails with the code.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(factory.DataDir, "nextra.db")}"))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = "UPDATE marketplace_versions SET content = CAST(REPLACE(CAST(content AS TEXT), 'i32.const 1024', 'i32.const 2048') AS BLOB) WHERE listing_id = $id";
            cmd.Parameters.AddWithValue("$id", id);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        await Json.PostAsync(b.Client, $"/api/flows/{flow["id"]}/stop", new { }, 200);
        var tampered = await Json.PostAsync(b.Client, $"/api/triggers/{flow["id"]}/inject?wait=20", new { payload = new { text = "again" }, target = "a", payloadClass = "Text" }, 200);
        Assert.Equal("failed", tampered["status"]!.GetValue<string>());
        Assert.Equal("digest_mismatch", tampered["steps"]![0]!["error"]!["code"]!.GetValue<string>());
        var after = await b.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{id}");
        Assert.False(after!["signatureValid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Upgrade_WideningPermissions_StaysOnOldVersionUntilApproved()
    {
        var (a, handle) = await PublisherAsync("mkt-up-a");
        await PublishToolAsync(a, "widen", "1.0.0", new { log = false });
        await PublishToolAsync(a, "widen", "1.1.0", new { log = false, http = new { hosts = new[] { "https://api.example.com" }, methods = new[] { "GET" } } });
        var id = $"{handle}/widen";
        var b = await factory.CreateUserAsync("mkt-up-b");
        var install = await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id, version = "1.0.0", acceptPermissions = true }, 201);
        var url = $"/api/marketplace/installs/{install["id"]}";

        var response = await b.Client.PatchAsync(url, Json.Body("""{"version":"1.1.0"}"""));
        var problem = await Json.ReadAsync(response);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("permission_approval_required", problem["code"]!.GetValue<string>());
        Assert.Contains("new host https://api.example.com", problem["changes"]!.AsArray().Select(c => c!.GetValue<string>()));
        var held = Assert.Single((await b.Client.GetFromJsonAsync<JsonArray>("/api/marketplace/installs"))!)!;
        Assert.Equal("1.0.0", held["version"]!.GetValue<string>());
        Assert.Equal("1.1.0", held["pendingVersion"]!.GetValue<string>());

        var approved = await Json.ReadAsync(await b.Client.PatchAsync(url, Json.Body("""{"approve":true}""")));
        Assert.Equal("1.1.0", approved["version"]!.GetValue<string>());
        Assert.Equal("1.0.0", approved["previousVersion"]!.GetValue<string>());
        Assert.Contains("Sends HTTPS requests (GET) to api.example.com", approved["permissionSummary"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task Publish_ModuleImportingUngrantedFunction_ImportNotPermitted()
    {
        var (a, _) = await PublisherAsync("mkt-imp");
        var body = await PublishToolAsync(a, "fetcher", "1.0.0", new { log = true }, wat: FetchImport, status: 422);
        Assert.Equal("import_not_permitted", body["code"]!.GetValue<string>());
        Assert.Contains("http_fetch", body["detail"]!.GetValue<string>());
    }

    private const string TemplateFlow = """
        organism: {name: desk}
        payloads:
          Text: {fields: {Text: string}}
        listeners:
          - name: a
            description: "${{ inputs.label }}"
            payload_class: Text
            handler: output
        """;

    [Fact]
    public async Task Template_WithLiteralKey_RefusedWithLineAndColumn()
    {
        var (a, _) = await PublisherAsync("mkt-key");
        var flow = await Json.PostAsync(a.Client, "/api/flows", Flows.Create("Leaky", TemplateFlow.Replace("${{ inputs.label }}", "calls with sk-live0123456789abcdefghijkl", StringComparison.Ordinal)), 201);
        var body = await Json.PostAsync(a.Client, "/api/marketplace/publish", new
        {
            kind = "flow", flowId = flow["id"]!.GetValue<string>(), name = "leaky", version = "1.0.0", summary = "Leaks a key", categories = new[] { "support" },
        }, 422);
        Assert.Equal("template_secret_found", body["code"]!.GetValue<string>());
        Assert.Equal(6, body["errors"]![0]!["line"]!.GetValue<int>());
        Assert.StartsWith("line 6, col ", body["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Template_Use_CreatesStoppedFlowWithInputs_PrivateListingInvisibleToOthers()
    {
        var (a, handle) = await PublisherAsync("mkt-tpl");
        var flow = await Json.PostAsync(a.Client, "/api/flows", Flows.Create("Desk", TemplateFlow), 201);
        var published = await Json.PostAsync(a.Client, "/api/marketplace/publish", new
        {
            kind = "flow", flowId = flow["id"]!.GetValue<string>(), name = "help-desk", version = "1.0.0", displayName = "Help desk", summary = "Answers tickets",
            categories = new[] { "support" }, inputs = new[] { new { id = "label", type = "string", label = "Listener label", required = true } },
        }, 202);
        var sub = await a.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/submissions/{published["submissionId"]}");
        Assert.Equal("published", sub!["state"]!.GetValue<string>());
        Assert.Contains("${{ inputs.label }}", sub["sanitizedYaml"]!.GetValue<string>());
        Assert.Contains(sub["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "secret_scan" && c["ok"]!.GetValue<bool>());

        var b = await factory.CreateUserAsync("mkt-tpl-b");
        var id = $"{handle}/help-desk";
        var detail = await b.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/flows/{id}");
        Assert.Equal("label", detail!["inputs"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("validation_failed", (await Json.PostAsync(b.Client, $"/api/marketplace/flows/{id}/use", new { inputs = new { } }, 422))["code"]!.GetValue<string>());
        var used = await Json.PostAsync(b.Client, $"/api/marketplace/flows/{id}/use", new { name = "My desk", inputs = new { label = "Front desk: tier 1" } }, 201);
        Assert.Equal("stopped", used["status"]!.GetValue<string>());
        Assert.Equal("My desk", used["name"]!.GetValue<string>());
        Assert.Contains("Front desk: tier 1", used["organismYaml"]!.GetValue<string>());

        // A private listing: enterprise (the self-hosted default tier) may publish it; only its own tenant sees it.
        await Json.PostAsync(a.Client, "/api/marketplace/publish", new
        {
            kind = "flow", flowId = flow["id"]!.GetValue<string>(), name = "internal-desk", version = "1.0.0", summary = "Ours only", categories = new[] { "support" },
            inputs = new[] { new { id = "label", type = "string" } }, visibility = "private",
        }, 202);
        var mine = await a.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/flows?q=desk");
        Assert.Contains(mine!["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == $"{handle}/internal-desk");
        var theirs = await b.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/flows?q=desk");
        Assert.DoesNotContain(theirs!["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == $"{handle}/internal-desk");
        Assert.Equal(HttpStatusCode.NotFound, (await b.Client.GetAsync($"/api/marketplace/flows/{handle}/internal-desk")).StatusCode);
    }

    [Fact]
    public async Task FreeTier_InstallTool_TierRequired()
    {
        var (a, handle) = await PublisherAsync("mkt-free-a");
        await PublishToolAsync(a, "paid-only", "1.0.0", new { log = false });
        var b = await factory.CreateUserAsync("mkt-free-b");
        using (var scope = factory.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<TierService>().SetTierAsync("mkt-free-b", "free", CancellationToken.None);
        var body = await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id = $"{handle}/paid-only", acceptPermissions = true }, 403);
        Assert.Equal("tier_required", body["code"]!.GetValue<string>());
        Assert.Equal("paid", body["requiredTier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publish_NtpkgPackedByTheCli_ToolAndTemplate_RoundTrip()
    {
        var (a, handle) = await PublisherAsync("mkt-pkg");
        var dir = Directory.CreateTempSubdirectory("ntpkg-host-").FullName;
        try
        {
            // A tool: the real executable packs the folder; the package is uploaded as multipart and published.
            var tool = Directory.CreateDirectory(Path.Combine(dir, "tool")).FullName;
            await File.WriteAllTextAsync(Path.Combine(tool, "manifest.json"),
                """{"kind":"tool","name":"packed-echo","version":"1.0.0","displayName":"Packed echo","summary":"Echo from a package","categories":["utility"],"permissions":{"log":false}}""");
            await File.WriteAllTextAsync(Path.Combine(tool, "README.md"), "# Packed echo\n<script>alert(1)</script>");
            await File.WriteAllTextAsync(Path.Combine(tool, "module.wat"), Echo);
            var toolPkg = Path.Combine(dir, "tool.ntpkg");
            var packed = await Process.NextraProcess.RunAsync("marketplace", "pack", tool, "-o", toolPkg);
            Assert.True(packed.Code == 0, packed.Stderr + packed.Stdout);
            Assert.Contains("packed tool packed-echo@1.0.0 into", packed.Stdout);
            var sub = await UploadAsync(a, toolPkg, 202);
            var submission = await a.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/submissions/{sub["submissionId"]}");
            Assert.Equal("published", submission!["state"]!.GetValue<string>());
            Assert.Contains(submission["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "imports" && c["ok"]!.GetValue<bool>());

            var id = $"{handle}/packed-echo";
            var b = await factory.CreateUserAsync("mkt-pkg-b");
            var detail = await b.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{id}");
            Assert.Equal("Packed echo", detail!["displayName"]!.GetValue<string>());
            Assert.DoesNotContain("<script", detail["readmeHtml"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
            await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id, acceptPermissions = true }, 201);
            var flow = await Json.PostAsync(b.Client, "/api/flows", Flows.Create("Uses packed tool", UsesTool($"{id}@1")), 201);
            var run = await Json.PostAsync(b.Client, $"/api/triggers/{flow["id"]}/inject?wait=20", new { payload = new { text = "packed" }, target = "a", payloadClass = "Text" }, 200);
            Assert.Equal("succeeded", run["status"]!.GetValue<string>());
            Assert.Equal("packed", run["outputs"]![0]!["payload"]!["Text"]!.GetValue<string>());

            // A template: flow.yaml is validated and sanitized like a saved flow's.
            var template = Directory.CreateDirectory(Path.Combine(dir, "template")).FullName;
            await File.WriteAllTextAsync(Path.Combine(template, "manifest.json"),
                """{"kind":"flow","name":"packed-desk","version":"1.0.0","summary":"Desk from a package","categories":["support"],"inputs":[{"id":"label","required":true}]}""");
            await File.WriteAllTextAsync(Path.Combine(template, "flow.yaml"), TemplateFlow);
            var templatePkg = Path.Combine(dir, "template.ntpkg");
            Assert.Equal(0, (await Process.NextraProcess.RunAsync("marketplace", "pack", template, "-o", templatePkg)).Code);
            var tsub = await UploadAsync(a, templatePkg, 202);
            var tdone = await a.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/submissions/{tsub["submissionId"]}");
            Assert.Equal("published", tdone!["state"]!.GetValue<string>());
            Assert.Contains("${{ inputs.label }}", tdone["sanitizedYaml"]!.GetValue<string>());
            Assert.Contains(tdone["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "flow" && c["ok"]!.GetValue<bool>());
            var used = await Json.PostAsync(b.Client, $"/api/marketplace/flows/{handle}/packed-desk/use", new { inputs = new { label = "From a package" } }, 201);
            Assert.Contains("From a package", used["organismYaml"]!.GetValue<string>());

            // An invalid flow.yaml fails the flow check with its line; a package with a stray file is refused.
            await File.WriteAllTextAsync(Path.Combine(template, "flow.yaml"), TemplateFlow.Replace("handler: output", "handler: nonsense", StringComparison.Ordinal));
            await File.WriteAllTextAsync(Path.Combine(template, "manifest.json"),
                """{"kind":"flow","name":"broken-desk","version":"1.0.0","summary":"Broken","categories":["support"]}""");
            Assert.Equal(0, (await Process.NextraProcess.RunAsync("marketplace", "pack", template, "-o", templatePkg)).Code);
            var broken = await UploadAsync(a, templatePkg, 422);
            Assert.Contains(broken["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "flow" && !c["ok"]!.GetValue<bool>()
                && c["detail"]!.GetValue<string>().StartsWith("line ", StringComparison.Ordinal));
            using (var stray = new MemoryStream())
            {
                using (var zip = new System.IO.Compression.ZipArchive(stray, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
                {
                    zip.CreateEntry("manifest.json");
                    zip.CreateEntry("run.sh");
                }
                await File.WriteAllBytesAsync(Path.Combine(dir, "stray.ntpkg"), stray.ToArray());
            }
            var refused = await UploadAsync(a, Path.Combine(dir, "stray.ntpkg"), 422);
            Assert.Contains("'run.sh' does not belong", refused["detail"]!.GetValue<string>());
            var unsupported = await a.Client.PostAsync("/api/marketplace/publish", new StringContent("x", System.Text.Encoding.UTF8, "text/plain"));
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<JsonNode> UploadAsync(TestUser user, string path, int status)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(path));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/zip");
        form.Add(file, "package", Path.GetFileName(path));
        var response = await user.Client.PostAsync("/api/marketplace/publish", form);
        var body = await Json.ReadAsync(response);
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode}: {body.ToJsonString()}");
        return body;
    }
}
