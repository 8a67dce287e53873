using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Host.Tests.Api;
using Nextra.Modules.Common;
using Nextra.Modules.Marketplace;
using Nextra.Modules.Marketplace.Signing;
using Nextra.Modules.Marketplace.Stores;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>
/// R11: a tampered file (digest_mismatch), a wrong key (signature_invalid), a foreign namespace (namespace_mismatch), a missing
/// countersignature, altered permissions and a revoked version (tool_revoked) each fail the install/load checks with their own code
/// (a revoked key and a downgrade: RegistryTests); a module importing an ungranted function, even when
/// properly signed and countersigned, fails to install with <c>import_not_permitted</c>.
/// </summary>
public sealed class PackageVerifierTests(NextraFactory factory) : IClassFixture<NextraFactory>
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

    private static VersionRow Copy(VersionRow v) => new()
    {
        ListingId = v.ListingId, Version = v.Version, State = v.State, Manifest = v.Manifest, Content = [.. v.Content], Digest = v.Digest,
        Statement = v.Statement, Signature = v.Signature, SignerKeyId = v.SignerKeyId, Approval = v.Approval, Countersignature = v.Countersignature,
        CounterKeyId = v.CounterKeyId, CreatedAt = v.CreatedAt,
    };

    private static ListingRow Copy(ListingRow l) => new()
    {
        Id = l.Id, Kind = l.Kind, Publisher = l.Publisher, Name = l.Name, TenantId = l.TenantId, DisplayName = l.DisplayName, Summary = l.Summary,
        Readme = l.Readme, Categories = l.Categories, Visibility = l.Visibility, ReviewLevel = l.ReviewLevel, LatestVersion = l.LatestVersion,
        CreatedAt = l.CreatedAt, UpdatedAt = l.UpdatedAt,
    };

    private static async Task<string> CodeOfAsync(PackageVerifier verifier, ListingRow listing, VersionRow version) =>
        (await Assert.ThrowsAsync<ApiException>(() => verifier.VerifyAsync(listing, version, CancellationToken.None))).Code;

    [Fact]
    public async Task Verify_EachAlterationFailsWithItsOwnCode()
    {
        var a = await factory.CreateUserAsync("mkt-verify-a");
        var handle = (await a.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var other = await factory.CreateUserAsync("mkt-verify-other");
        var otherHandle = (await other.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var module = await Json.PostAsync(a.Client, "/api/modules", new { name = "verify_echo", kind = "wat", content = Echo }, 201);
        await Json.PostAsync(a.Client, "/api/marketplace/publish", new
        {
            kind = "tool", moduleId = module["id"]!.GetValue<string>(), name = "verify-echo", version = "1.0.0", summary = "Echo", categories = new[] { "utility" },
            permissions = new { log = false },
        }, 202);

        using var scope = factory.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IMarketplaceStore>();
        var verifier = scope.ServiceProvider.GetRequiredService<PackageVerifier>();
        var id = $"{handle}/verify-echo";
        var listing = (await store.GetListingAsync(a.TenantId, id, default))!;
        var version = (await store.GetVersionAsync(id, "1.0.0", default))!;
        await verifier.VerifyAsync(listing, version, default); // intact: passes

        var tampered = Copy(version);
        tampered.Content[^3] ^= 1;
        Assert.Equal(MarketplaceErrors.DigestMismatch, await CodeOfAsync(verifier, listing, tampered));

        var (otherKey, _) = Ed25519Keys.Generate();
        var wrongKey = Copy(version);
        wrongKey.Signature = Convert.ToBase64String(Ed25519Keys.Sign(otherKey, PackageStatement.PublisherMessage(version.Statement)));
        Assert.Equal(MarketplaceErrors.SignatureInvalid, await CodeOfAsync(verifier, listing, wrongKey));

        var foreign = Copy(listing);
        foreign.Publisher = otherHandle; // the namespace belongs to another tenant's key
        Assert.Equal(MarketplaceErrors.NamespaceMismatch, await CodeOfAsync(verifier, foreign, version));

        var uncountersigned = Copy(version);
        uncountersigned.Countersignature = null;
        Assert.Equal(MarketplaceErrors.SignatureInvalid, await CodeOfAsync(verifier, listing, uncountersigned));

        var otherStatement = Copy(version);
        otherStatement.Statement = version.Statement.Replace("verify-echo", "verify-evil", StringComparison.Ordinal);
        Assert.Equal(MarketplaceErrors.SignatureInvalid, await CodeOfAsync(verifier, listing, otherStatement));

        var widened = Copy(version);
        widened.Manifest = """{"log":true,"http":{"hosts":["https://evil.example"]}}""";
        Assert.Equal(MarketplaceErrors.DigestMismatch, await CodeOfAsync(verifier, listing, widened));

        var revoked = Copy(version);
        revoked.State = "revoked";
        Assert.Equal(MarketplaceErrors.ToolRevoked, await CodeOfAsync(verifier, listing, revoked));
    }

    [Fact]
    public async Task Install_SignedModuleImportingUngrantedFunction_ImportNotPermitted()
    {
        var a = await factory.CreateUserAsync("mkt-verify-imp");
        var handle = (await a.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var id = $"{handle}/sneaky-fetch";
        using (var scope = factory.Services.CreateScope())
        {
            // A version whose bytes import http_fetch but whose manifest grants nothing, signed and countersigned as if it
            // had passed review (e.g. published elsewhere under a trusted key): install still holds the imports to the grants.
            var sp = scope.ServiceProvider;
            var store = sp.GetRequiredService<IMarketplaceStore>();
            var keys = sp.GetRequiredService<MarketplaceKeys>();
            var service = sp.GetRequiredService<MarketplaceService>();
            var publisher = (await store.GetPublisherAsync(a.TenantId, default))!;
            var content = System.Text.Encoding.UTF8.GetBytes(FetchImport);
            var permissions = new ToolPermissions();
            var now = DateTimeOffset.UtcNow.ToString("O");
            var statement = PackageStatement.Create(id, "1.0.0", "tool", new Dictionary<string, string> { ["tool.wat"] = PackageStatement.Digest(content) }, permissions.Hash(), now);
            await store.SaveListingAsync(new ListingRow
            {
                Id = id, Kind = "tool", Publisher = handle, Name = "sneaky-fetch", TenantId = a.TenantId, DisplayName = "Sneaky", Summary = "Fetches without a grant",
                Categories = "[\"utility\"]", CreatedAt = now, UpdatedAt = now,
            }, default);
            Assert.True(await store.InsertVersionAsync(new VersionRow
            {
                ListingId = id, Version = "1.0.0", State = "queued", Manifest = JsonSerializer.Serialize(permissions, MarketplaceJsonContext.Default.ToolPermissions),
                Content = content, Digest = PackageStatement.Digest(content), Statement = statement,
                Signature = Convert.ToBase64String(keys.SignAsPublisher(publisher, PackageStatement.PublisherMessage(statement))), SignerKeyId = publisher.KeyId, CreatedAt = now,
            }, default));
            var submission = new SubmissionRow { Id = "sub_" + Guid.NewGuid().ToString("N"), TenantId = a.TenantId, ListingId = id, Version = "1.0.0", State = "queued", CreatedAt = now };
            await store.InsertSubmissionAsync(submission, default);
            await service.DecideAsync(submission, approve: true, "test", default);
        }
        var b = await factory.CreateUserAsync("mkt-verify-imp-b");
        var refused = await Json.PostAsync(b.Client, "/api/marketplace/installs", new { id, acceptPermissions = true }, 422);
        Assert.Equal(MarketplaceErrors.ImportNotPermitted, refused["code"]!.GetValue<string>());
        Assert.Contains("http_fetch", refused["detail"]!.GetValue<string>());
    }
}
