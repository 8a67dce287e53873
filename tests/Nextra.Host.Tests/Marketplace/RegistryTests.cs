using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Host.Tests.Api;
using Nextra.Modules.Marketplace;
using Nextra.Modules.Marketplace.Signing;
using Nextra.Modules.Marketplace.Stores;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>A server trusting another server's registry key ([marketplace] trusted_keys), with a revocation list from its config.</summary>
public sealed class TrustingFactory : NextraFactory
{
    /// <summary>The other server's (or the organisation's) registry key pair; only its public half is configured here.</summary>
    public static readonly (byte[] Private, byte[] Public) OtherServer = Ed25519Keys.Generate();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Marketplace:TrustedKeys:0", Convert.ToBase64String(OtherServer.Public)),
        new("Marketplace:Revoked:0", "nextra/hmac-sha256@*"),
    ];
}

/// <summary>
/// R3 offline and organisation signing: keys.json and revoked.json (signed, anonymous), a countersignature by a key of another
/// server accepted only when that key is in <c>trusted_keys</c>, revoked keys / digests / versions refusing installs and loads
/// with their own codes, and no silent downgrade.
/// </summary>
public sealed class RegistryTests(TrustingFactory factory) : IClassFixture<TrustingFactory>
{
    private const string Echo = """
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))
        """;

    private const string UsesTool = """
        organism: {name: uses-tool}
        payloads:
          Text: {fields: {Text: string}}
        listeners:
          - name: a
            description: runs an installed marketplace tool
            payload_class: Text
            handler: code
            config: {module: "MODULE"}
        """;

    private async Task<string> PublishAsync(TestUser user, string name, params string[] versions)
    {
        var handle = (await user.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var module = await Json.PostAsync(user.Client, "/api/modules", new { name = name.Replace('-', '_'), kind = "wat", content = Echo + "\n;; " + name }, 201); // own bytes, own digest
        foreach (var version in versions)
        {
            await Json.PostAsync(user.Client, "/api/marketplace/publish", new
            {
                kind = "tool", moduleId = module["id"]!.GetValue<string>(), name, version, summary = "Echo", categories = new[] { "utility" }, permissions = new { log = false },
            }, 202);
        }
        return $"{handle}/{name}";
    }

    [Fact]
    public async Task KeysAndRevokedJson_AnonymousSignedByTheRegistryKey_Verifiable()
    {
        var anonymous = factory.CreateClient();
        var keys = (await anonymous.GetFromJsonAsync<JsonObject>("/api/marketplace/keys.json"))!;
        var key = Assert.Single(keys["keys"]!.AsArray())!;
        Assert.Equal("registry", key["role"]!.GetValue<string>());
        var pub = Convert.FromBase64String(key["publicKey"]!.GetValue<string>());
        Assert.Equal(Ed25519Keys.KeyId(pub), key["keyId"]!.GetValue<string>());
        Assert.Equal(key["keyId"]!.GetValue<string>(), keys["keyId"]!.GetValue<string>());
        var document = keys["document"]!.GetValue<string>();
        var signed = JsonNode.Parse(document)!; // what the signature covers: the verifier reads the keys from here
        Assert.Equal(key["publicKey"]!.GetValue<string>(), signed["keys"]![0]!["public_key"]!.GetValue<string>());
        Assert.Equal("nextra.keys/v1", signed["type"]!.GetValue<string>());
        Assert.True(Ed25519Keys.Verify(pub, MarketplaceRegistry.KeysMessage(document), Convert.FromBase64String(keys["signature"]!.GetValue<string>())));
        Assert.False(Ed25519Keys.Verify(pub, MarketplaceRegistry.KeysMessage(document.Replace("registry", "publisher", StringComparison.Ordinal)),
            Convert.FromBase64String(keys["signature"]!.GetValue<string>())));

        var revoked = (await anonymous.GetFromJsonAsync<JsonObject>("/api/marketplace/revoked.json"))!;
        Assert.Contains(revoked["revoked"]!.AsArray(), r => r!["kind"]!.GetValue<string>() == "version" && r["value"]!.GetValue<string>() == "nextra/hmac-sha256@*");
        Assert.True(Ed25519Keys.Verify(pub, MarketplaceRegistry.RevokedMessage(revoked["document"]!.GetValue<string>()),
            Convert.FromBase64String(revoked["signature"]!.GetValue<string>())));
    }

    [Fact]
    public async Task ConfiguredRevocation_RefusesTheInstall_ToolRevoked()
    {
        var user = await factory.CreateUserAsync("reg-config");
        var refused = await Json.PostAsync(user.Client, "/api/marketplace/installs", new { id = "nextra/hmac-sha256", acceptPermissions = true }, 422);
        Assert.Equal("tool_revoked", refused["code"]!.GetValue<string>());
        Assert.Contains("[marketplace] revoked", refused["detail"]!.GetValue<string>());
        await Json.PostAsync(user.Client, "/api/marketplace/installs", new { id = "nextra/json-path-pick", acceptPermissions = true }, 201);
    }

    [Fact]
    public async Task AnotherServersCountersignature_TrustedKeyInstallsAndRuns_UntrustedRefused_RevokedKeyRefusedEverywhere()
    {
        var a = await factory.CreateUserAsync("reg-other-a");
        var id = await PublishAsync(a, "org-echo", "1.0.0");
        using var scope = factory.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IMarketplaceStore>();
        var registry = scope.ServiceProvider.GetRequiredService<MarketplaceRegistry>();

        // The version as the other server (an organisation's registry) approved it: its key countersigns the same statement.
        async Task CountersignAsync(byte[] privateKey, byte[] publicKey)
        {
            var version = (await store.GetVersionAsync(id, "1.0.0", default))!;
            var approval = PackageStatement.Approval(version.Statement, "community", DateTimeOffset.UtcNow.ToString("O"));
            version.Approval = approval;
            version.Countersignature = Convert.ToBase64String(Ed25519Keys.Sign(privateKey, PackageStatement.ApprovalMessage(approval)));
            version.CounterKeyId = Ed25519Keys.KeyId(publicKey);
            await store.UpdateVersionAsync(version, default);
        }

        var stranger = Ed25519Keys.Generate();
        await CountersignAsync(stranger.PrivateKey, stranger.PublicKey);
        var b = await factory.CreateUserAsync("reg-other-b");
        var untrusted = await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id, acceptPermissions = true }, 422);
        Assert.Equal("signature_invalid", untrusted["code"]!.GetValue<string>());
        Assert.Contains("trusted_keys", untrusted["detail"]!.GetValue<string>());

        await CountersignAsync(TrustingFactory.OtherServer.Private, TrustingFactory.OtherServer.Public);
        await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id, acceptPermissions = true }, 201);
        var flow = await Json.PostAsync(b.Client, "/api/flows", Flows.Create("Org tool", UsesTool.Replace("MODULE", $"{id}@1", StringComparison.Ordinal)), 201);
        var run = await Json.PostAsync(b.Client, $"/api/triggers/{flow["id"]}/inject?wait=20", new { payload = new { text = "trusted" }, target = "a", payloadClass = "Text" }, 200);
        Assert.Equal("succeeded", run["status"]!.GetValue<string>());

        // The organisation's key leaks: revoked, nothing it countersigned installs or loads any more.
        var otherKeyId = Ed25519Keys.KeyId(TrustingFactory.OtherServer.Public);
        Assert.True(await registry.RevokeAsync("key:" + otherKeyId, "key leaked", default));
        Assert.False(await registry.RevokeAsync("key:" + otherKeyId, "again", default));
        var c = await factory.CreateUserAsync("reg-other-c");
        var revoked = await Json.PostAsync(c.Client, "/api/marketplace/installs", new { id, acceptPermissions = true }, 422);
        Assert.Equal("key_revoked", revoked["code"]!.GetValue<string>());
        Assert.Contains("key leaked", revoked["detail"]!.GetValue<string>());
        await Json.PostAsync(b.Client, $"/api/flows/{flow["id"]}/stop", new { }, 200);
        var failed = await Json.PostAsync(b.Client, $"/api/triggers/{flow["id"]}/inject?wait=20", new { payload = new { text = "again" }, target = "a", payloadClass = "Text" }, 200);
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Equal("key_revoked", failed["steps"]![0]!["error"]!["code"]!.GetValue<string>());
        var list = (await factory.CreateClient().GetFromJsonAsync<JsonObject>("/api/marketplace/revoked.json"))!["revoked"]!.AsArray();
        Assert.Contains(list, r => r!["kind"]!.GetValue<string>() == "key" && r["value"]!.GetValue<string>() == otherKeyId && r["reason"]!.GetValue<string>() == "key leaked");
    }

    [Fact]
    public async Task RevokedDigestOrVersion_ToolRevoked_BadTargetRefused()
    {
        var a = await factory.CreateUserAsync("reg-digest-a");
        var id = await PublishAsync(a, "digest-echo", "1.0.0", "1.0.1");
        using var scope = factory.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IMarketplaceStore>();
        var registry = scope.ServiceProvider.GetRequiredService<MarketplaceRegistry>();
        var digest = (await store.GetVersionAsync(id, "1.0.0", default))!.Digest;
        var b = await factory.CreateUserAsync("reg-digest-b");

        Assert.True(await registry.RevokeAsync($"{id}@1.0.1", "broken release", default));
        var byVersion = await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id, acceptPermissions = true }, 422);
        Assert.Equal("tool_revoked", byVersion["code"]!.GetValue<string>());
        // 1.0.0 and 1.0.1 are the same bytes: revoking the digest refuses the other version too.
        await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id, version = "1.0.0", acceptPermissions = true }, 201);
        Assert.True(await registry.RevokeAsync(digest, "malware", default));
        var c = await factory.CreateUserAsync("reg-digest-c");
        var byDigest = await Json.PostAsync(c.Client, "/api/marketplace/installs", new { id, version = "1.0.0", acceptPermissions = true }, 422);
        Assert.Equal("tool_revoked", byDigest["code"]!.GetValue<string>());
        Assert.Contains("malware", byDigest["detail"]!.GetValue<string>());

        await Assert.ThrowsAsync<ArgumentException>(() => registry.RevokeAsync("not a target", "x", default));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.RevokeAsync($"{id}@1.0.0", " ", default));
    }

    [Fact]
    public async Task InstalledVersion_LowerVersionWithoutRollback_DowngradeRefused()
    {
        var a = await factory.CreateUserAsync("reg-down-a");
        var id = await PublishAsync(a, "down-echo", "1.0.0", "1.1.0");
        var b = await factory.CreateUserAsync("reg-down-b");
        var install = await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id, version = "1.0.0", acceptPermissions = true }, 201);
        var url = $"/api/marketplace/installs/{install["id"]}";
        Assert.Equal("1.1.0", (await Json.ReadAsync(await b.Client.PatchAsync(url, Json.Body("""{"version":"1.1.0"}"""))))["version"]!.GetValue<string>());

        var response = await b.Client.PatchAsync(url, Json.Body("""{"version":"1.0.0"}"""));
        var problem = await Json.ReadAsync(response);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("downgrade_refused", problem["code"]!.GetValue<string>());
        Assert.Equal("1.1.0", problem["installed"]!.GetValue<string>());
        var rolled = await Json.ReadAsync(await b.Client.PatchAsync(url, Json.Body("""{"rollback":true}""")));
        Assert.Equal("1.0.0", rolled["version"]!.GetValue<string>());
    }
}
