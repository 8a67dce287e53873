using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nextra.Host.Tests.Api;
using Nextra.Modules.Common;
using Nextra.Modules.Marketplace;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>
/// Publisher-held keys (R3) through the real host: a package signed on the publisher's machine (PackageSigner, what
/// <c>nextra marketplace pack --sign</c> runs) is refused until its key is registered (signature_invalid), then publishes
/// without the custodial key and is countersigned by the registry; another tenant installs it (every load re-verifies it);
/// a foreign namespace, an altered artifact and a revoked key each have their own code; only an owner or admin registers keys.
/// </summary>
public class PublisherKeyTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Echo = """
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))
        """;

    private static string Suffix() => Guid.NewGuid().ToString("N")[..6];

    /// <summary>A folder packed like <c>nextra marketplace pack DIR --sign KEY --publisher HANDLE</c>.</summary>
    internal static byte[] SignedTool(PublisherKeyFile key, string handle, string name, string version, string wat = Echo)
    {
        var dir = Directory.CreateTempSubdirectory("ntpkg-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "manifest.json"), Json.Serialize(new
            {
                kind = "tool", name, version, displayName = "Signed echo", summary = "Answers with its input", categories = new[] { "utility" },
                permissions = new { log = false },
            }));
            File.WriteAllText(Path.Combine(dir, "README.md"), "# Signed echo");
            File.WriteAllText(Path.Combine(dir, "module.wat"), wat);
            return PackageSigner.Sign(NtpkgPackage.Pack(dir, 10 << 20), key, handle, DateTimeOffset.UtcNow);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    internal static async Task<JsonNode> UploadAsync(HttpClient client, byte[] package, int status)
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

    [ProviderFact]
    public async Task SignedByOwnKey_RefusedUntilRegistered_ThenPublishedCountersignedInstalled_RevokedKeyRefused()
    {
        var tenant = "held-" + Suffix();
        var owner = await factory.CreateUserAsync(tenant);
        var handle = (await owner.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var key = PackageSigner.ReadKey(PackageSigner.Serialize(PackageSigner.NewKey(handle)));
        var name = "signed-echo-" + Suffix();
        var package = SignedTool(key, handle, name, "1.0.0");

        var unknown = await UploadAsync(owner.Client, package, 422);
        Assert.Equal("signature_invalid", unknown["code"]!.GetValue<string>());
        Assert.Contains(key.KeyId, unknown["detail"]!.GetValue<string>());

        // Only the tenant's owner or an admin registers a key.
        var editor = await factory.CreateUserAsync(tenant, Role.Editor);
        var refused = await editor.Client.PostAsJsonAsync("/api/marketplace/publisher/keys", new { publicKey = key.PublicKey, name = "laptop" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("validation_failed", (await Json.PostAsync(owner.Client, "/api/marketplace/publisher/keys", new { publicKey = "bm90IGEga2V5" }, 422))["code"]!.GetValue<string>());
        var registered = await Json.PostAsync(owner.Client, "/api/marketplace/publisher/keys", new { publicKey = key.PublicKey, name = "laptop" }, 201);
        Assert.Equal((key.KeyId, "laptop"), (registered["keyId"]!.GetValue<string>(), registered["name"]!.GetValue<string>()));
        Assert.Equal("conflict", (await Json.PostAsync(owner.Client, "/api/marketplace/publisher/keys", new { publicKey = key.PublicKey }, 409))["code"]!.GetValue<string>());
        var other = await factory.CreateUserAsync("held-other-" + Suffix());
        Assert.Equal("conflict", (await Json.PostAsync(other.Client, "/api/marketplace/publisher/keys", new { publicKey = key.PublicKey }, 409))["code"]!.GetValue<string>());

        // Published without the custodial key; the registry countersigns on approval.
        var accepted = await UploadAsync(owner.Client, package, 202);
        var submission = (await owner.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/submissions/{accepted["submissionId"]}"))!;
        Assert.Equal("published", submission["state"]!.GetValue<string>());
        Assert.Contains(submission["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "signature" && c["detail"]!.GetValue<string>().Contains($"own key {key.KeyId}"));
        var id = $"{handle}/{name}";
        var version = (await owner.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{id}/versions/1.0.0"))!;
        var signatures = version["signatures"]!.AsArray();
        Assert.Equal(("publisher", key.KeyId, "publisher"), (signatures[0]!["role"]!.GetValue<string>(), signatures[0]!["keyId"]!.GetValue<string>(), signatures[0]!["keyKind"]!.GetValue<string>()));
        Assert.Equal("registry", signatures[1]!["role"]!.GetValue<string>());
        Assert.Equal(("published", "community"), (version["state"]!.GetValue<string>(), version["reviewLevel"]!.GetValue<string>()));
        Assert.NotNull(version["publishedAt"]);
        Assert.Contains("Makes no network requests", version["permissionSummary"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.GetAsync($"/api/marketplace/tools/{id}/versions/9.9.9")).StatusCode);

        // Another tenant installs it: the install (and every load) verifies the publisher-held signature.
        await Json.PostAsync(other.Client, "/api/marketplace/installs", new { id, acceptPermissions = true }, 201);
        Assert.True((await other.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{id}"))!["signatureValid"]!.GetValue<bool>());

        // A key signs only ids under its own publisher; an altered artifact no longer matches the signed digest.
        var foreign = await UploadAsync(owner.Client, SignedTool(key, "someone-else", name, "1.0.1"), 422);
        Assert.Equal("namespace_mismatch", foreign["code"]!.GetValue<string>());
        var altered = SignedTool(key, handle, name, "1.0.1");
        var tampered = await UploadAsync(owner.Client, Rewrite(altered, "module.wat", w => w.Replace("i32.const 1024", "i32.const 1025", StringComparison.Ordinal)), 422);
        Assert.Equal("digest_mismatch", tampered["code"]!.GetValue<string>());

        // Revoked: nothing new publishes with it; what it signed before stays valid.
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/marketplace/publisher/keys/{key.KeyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.DeleteAsync($"/api/marketplace/publisher/keys/{key.KeyId}")).StatusCode);
        var revoked = await UploadAsync(owner.Client, altered, 422);
        Assert.Equal("key_revoked", revoked["code"]!.GetValue<string>());
        Assert.True((await other.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{id}"))!["signatureValid"]!.GetValue<bool>());
        var keys = (await owner.Client.GetFromJsonAsync<JsonArray>("/api/marketplace/publisher/keys"))!;
        Assert.NotNull(Assert.Single(keys)!["revokedAt"]);

        // At most 3 active keys.
        for (var i = 0; i < 3; i++)
            await Json.PostAsync(owner.Client, "/api/marketplace/publisher/keys", new { publicKey = PackageSigner.NewKey(handle).PublicKey }, 201);
        Assert.Contains("at most 3", (await Json.PostAsync(owner.Client, "/api/marketplace/publisher/keys", new { publicKey = PackageSigner.NewKey(handle).PublicKey }, 409))["detail"]!.GetValue<string>());
    }

    [ProviderFact]
    public async Task SignedTemplate_SanitizedAndSignedLocally_Published()
    {
        var owner = await factory.CreateUserAsync("held-flow-" + Suffix());
        var handle = (await owner.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var key = PackageSigner.NewKey(handle);
        await Json.PostAsync(owner.Client, "/api/marketplace/publisher/keys", new { publicKey = key.PublicKey }, 201);
        var dir = Directory.CreateTempSubdirectory("ntpkg-").FullName;
        byte[] package;
        try
        {
            File.WriteAllText(Path.Combine(dir, "manifest.json"), Json.Serialize(new { kind = "flow", name = "signed-desk", version = "1.0.0", summary = "Answers", categories = new[] { "support" } }));
            File.WriteAllText(Path.Combine(dir, "flow.yaml"), """
                organism: {name: desk}
                payloads:
                  Text: {fields: {Text: string}}
                listeners:
                  - {name: a, description: answers, payload_class: Text, handler: output}
                """);
            package = PackageSigner.Sign(NtpkgPackage.Pack(dir, 10 << 20), key, handle, DateTimeOffset.UtcNow);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
        var accepted = await UploadAsync(owner.Client, package, 202);
        var submission = (await owner.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/submissions/{accepted["submissionId"]}"))!;
        Assert.Equal("published", submission["state"]!.GetValue<string>());
        var version = (await owner.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/flows/{handle}/signed-desk/versions/1.0.0"))!;
        Assert.Equal("publisher", version["signatures"]![0]!["keyKind"]!.GetValue<string>());
    }

    internal static byte[] Rewrite(byte[] package, string entryName, Func<string, string> change)
    {
        using var source = new System.IO.Compression.ZipArchive(new MemoryStream(package), System.IO.Compression.ZipArchiveMode.Read);
        using var buffer = new MemoryStream();
        using (var target = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var read = entry.Open();
                using var bytes = new MemoryStream();
                read.CopyTo(bytes);
                var content = bytes.ToArray();
                if (entry.FullName == entryName)
                    content = System.Text.Encoding.UTF8.GetBytes(change(System.Text.Encoding.UTF8.GetString(content)));
                using var write = target.CreateEntry(entry.FullName).Open();
                write.Write(content);
            }
        }
        return buffer.ToArray();
    }
}

public sealed class PostgresPublisherKeyTests(PostgresNextraFactory factory) : PublisherKeyTests(factory), IClassFixture<PostgresNextraFactory>;
