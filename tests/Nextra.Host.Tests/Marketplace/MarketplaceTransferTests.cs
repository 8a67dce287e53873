using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Nextra.Host.Tests.Api;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>
/// Moving a signed package between servers (R3, R7 "mirror with unchanged signature checks"): server A exports a published
/// tool as its signed .ntpkg (GET …/package); server B, a separate host with its own data, refuses it while A's registry key
/// is unknown (signature_invalid naming the key id), imports it once <c>[marketplace] trusted_keys</c> holds that key, and
/// installs and runs it; one altered byte of the artifact is digest_mismatch, of the statement signature_invalid.
/// A is SQLite here and Postgres below; B is always a SQLite server of its own.
/// </summary>
public class MarketplaceTransferTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Echo = """
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))
        """;

    private static async Task<JsonNode> UploadAsync(HttpClient client, byte[] package, int status)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(package);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(file, "package", "tool.ntpkg");
        var response = await client.PostAsync("/api/marketplace/publish", form);
        var body = await Json.ReadAsync(response);
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode}: {body.ToJsonString()}");
        return body;
    }

    /// <summary>The package with one entry rewritten (the other entries' bytes unchanged).</summary>
    private static byte[] Rewrite(byte[] package, string entryName, Func<string, string> change)
    {
        using var source = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        using var buffer = new MemoryStream();
        using (var target = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var read = entry.Open();
                using var bytes = new MemoryStream();
                read.CopyTo(bytes);
                var content = bytes.ToArray();
                if (entry.FullName == entryName)
                {
                    var changed = change(Encoding.UTF8.GetString(content));
                    Assert.NotEqual(Encoding.UTF8.GetString(content), changed);
                    content = Encoding.UTF8.GetBytes(changed);
                }
                using var write = target.CreateEntry(entry.FullName).Open();
                write.Write(content);
            }
        }
        return buffer.ToArray();
    }

    private static HttpClient As(WebApplicationFactory<Program> server, TestUser user)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.ApiKey);
        return client;
    }

    [ProviderFact]
    public async Task SignedPackage_ExportedFromA_RefusedByBUntilTrusted_ThenInstalledAndRun_TamperedRefused()
    {
        // Server A: a tenant publishes a tool (publisher-signed, countersigned by A's registry key on approval).
        var a = await factory.CreateUserAsync("xfer-a-" + Guid.NewGuid().ToString("N")[..6]);
        var handle = (await a.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var module = await Json.PostAsync(a.Client, "/api/modules", new { name = "xfer_echo", kind = "wat", content = Echo }, 201);
        await Json.PostAsync(a.Client, "/api/marketplace/publish", new
        {
            kind = "tool", moduleId = module["id"]!.GetValue<string>(), name = "xfer-echo", version = "1.0.0", displayName = "Transfer echo",
            summary = "Answers with its input", readme = "# Echo", categories = new[] { "utility" }, permissions = new { log = false },
        }, 202);
        var id = $"{handle}/xfer-echo";
        var registry = (await factory.CreateClient().GetFromJsonAsync<JsonObject>("/api/marketplace/keys.json"))!["keys"]![0]!;
        var registryKeyId = registry["keyId"]!.GetValue<string>();

        var export = await a.Client.GetAsync($"/api/marketplace/tools/{id}/package?version=1.0.0");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/zip", export.Content.Headers.ContentType!.MediaType);
        var digest = (await a.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{id}"))!["versions"]![0]!["digest"]!.GetValue<string>();
        Assert.Equal($"\"{digest}\"", export.Headers.ETag!.Tag);
        var package = await export.Content.ReadAsByteArrayAsync();
        using (var zip = new ZipArchive(new MemoryStream(package)))
            Assert.Equal(["manifest.json", "README.md", "module.wat", "signature.json"], zip.Entries.Select(e => e.FullName));
        Assert.Equal(HttpStatusCode.NotFound, (await a.Client.GetAsync($"/api/marketplace/tools/{id}/package?version=9.9.9")).StatusCode);

        // Server B: its own data dir and registry key; A's key is unknown there.
        using var b = new NextraFactory();
        var importer = await b.CreateUserAsync("xfer-b-" + Guid.NewGuid().ToString("N")[..6]);
        var untrusted = await UploadAsync(importer.Client, package, 422);
        Assert.Equal("signature_invalid", untrusted["code"]!.GetValue<string>());
        Assert.Contains($"key {registryKeyId}", untrusted["detail"]!.GetValue<string>());
        Assert.Contains("trusted_keys", untrusted["detail"]!.GetValue<string>());

        // B trusts A's registry key (same data, new configuration).
        using var trusting = b.WithWebHostBuilder(w => w.ConfigureAppConfiguration((_, c) => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Marketplace:TrustedKeys:0"] = registry["publicKey"]!.GetValue<string>(),
        })));
        var client = As(trusting, importer);
        // One altered byte: of the artifact (the statement's digest no longer matches), of the statement (the signature no longer verifies).
        var badArtifact = await UploadAsync(client, Rewrite(package, "module.wat", s => s.Replace("i32.const 1024", "i32.const 1025", StringComparison.Ordinal)), 422);
        Assert.Equal("digest_mismatch", badArtifact["code"]!.GetValue<string>());
        var badStatement = await UploadAsync(client, Rewrite(package, "signature.json", s => s.Replace("nextra.pkg/v1", "nextra.pkg/v2", StringComparison.Ordinal)), 422);
        Assert.Equal("signature_invalid", badStatement["code"]!.GetValue<string>());
        var badPermissions = await UploadAsync(client, Rewrite(package, "signature.json", s => s.Replace("\\u0022log\\u0022:false", "\\u0022log\\u0022:true", StringComparison.Ordinal)
            .Replace("\\\"log\\\":false", "\\\"log\\\":true", StringComparison.Ordinal)), 422);
        Assert.Equal("digest_mismatch", badPermissions["code"]!.GetValue<string>());

        var accepted = await UploadAsync(client, package, 202);
        var submission = (await client.GetFromJsonAsync<JsonObject>($"/api/marketplace/submissions/{accepted["submissionId"]}"))!;
        Assert.Equal(("published", id), (submission["state"]!.GetValue<string>(), submission["listingId"]!.GetValue<string>()));
        Assert.Contains(submission["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "signature" && c["detail"]!.GetValue<string>().Contains(registryKeyId));
        Assert.Equal("validation_failed", (await UploadAsync(client, package, 422))["code"]!.GetValue<string>()); // versions are immutable

        // Another tenant of B finds it, installs it with consent and runs it; the bytes are A's, still signed by A's keys.
        var user = await b.CreateUserAsync("xfer-b-user-" + Guid.NewGuid().ToString("N")[..6]);
        var bClient = As(trusting, user);
        Assert.Contains((await bClient.GetFromJsonAsync<JsonObject>("/api/marketplace/tools?q=transfer"))!["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == id);
        var detail = (await bClient.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{id}"))!;
        Assert.True(detail["signatureValid"]!.GetValue<bool>());
        Assert.Equal(digest, detail["versions"]![0]!["digest"]!.GetValue<string>());
        await Json.PostAsync(bClient, "/api/marketplace/installs", new { id, acceptPermissions = true }, 201);
        var flow = await Json.PostAsync(bClient, "/api/flows", Flows.Create("Imported tool", $$$"""
            organism: {name: imported}
            payloads:
              Text: {fields: {Text: string}}
            listeners:
              - {name: a, description: echo, payload_class: Text, handler: code, config: {module: "{{{id}}}@1"}}
            """), 201);
        var run = await Json.PostAsync(bClient, $"/api/triggers/{flow["id"]}/inject?wait=20", new { payload = new { text = "moved" }, target = "a", payloadClass = "Text" }, 200);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal("moved", run["outputs"]![0]!["payload"]!["Text"]!.GetValue<string>());

        // B re-exports it unchanged (same signatures): a third server trusting A would accept it too.
        var again = await bClient.GetByteArrayAsync($"/api/marketplace/tools/{id}/package");
        using (var first = new ZipArchive(new MemoryStream(package)))
        using (var second = new ZipArchive(new MemoryStream(again)))
        {
            static string Read(ZipArchive z, string n)
            {
                using var r = new StreamReader(z.GetEntry(n)!.Open());
                return r.ReadToEnd();
            }
            Assert.Equal(Read(first, "signature.json"), Read(second, "signature.json"));
            Assert.Equal(Read(first, "module.wat"), Read(second, "module.wat"));
        }
    }
}

public sealed class PostgresMarketplaceTransferTests(PostgresNextraFactory factory) : MarketplaceTransferTests(factory), IClassFixture<PostgresNextraFactory>;
