using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nextra.Host.Tests.Api;
using Nextra.Host.Tests.Process;
using Nextra.Modules.Marketplace;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>
/// The real executable's <c>nextra marketplace keygen</c> (a key file only its owner reads) and <c>pack --sign</c>: the signed
/// package publishes once the key's public half is registered, without the custodial key.
/// </summary>
public sealed class PublisherKeyCliTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Echo = """
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))
        """;

    [Fact]
    public async Task Keygen_ThenPackSign_PublishesWithTheRegisteredKey()
    {
        var owner = await factory.CreateUserAsync("held-cli-" + Guid.NewGuid().ToString("N")[..6]);
        var handle = (await owner.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var dir = Directory.CreateTempSubdirectory("ntpkg-cli-").FullName;
        try
        {
            var keyFile = Path.Combine(dir, "me.key");
            var keygen = await NextraProcess.RunAsync("marketplace", "keygen", "-o", keyFile, "--publisher", handle);
            Assert.True(keygen.Code == 0, keygen.Stderr + keygen.Stdout);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            var key = PackageSigner.ReadKey(await File.ReadAllTextAsync(keyFile));
            Assert.Contains(key.PublicKey, keygen.Stdout);
            Assert.NotEqual(0, (await NextraProcess.RunAsync("marketplace", "keygen", "-o", keyFile)).Code); // never overwrites a key

            var tool = Directory.CreateDirectory(Path.Combine(dir, "tool")).FullName;
            await File.WriteAllTextAsync(Path.Combine(tool, "manifest.json"),
                """{"kind":"tool","name":"cli-signed","version":"1.0.0","summary":"Signed on my machine","categories":["utility"],"permissions":{"log":false}}""");
            await File.WriteAllTextAsync(Path.Combine(tool, "module.wat"), Echo);
            var package = Path.Combine(dir, "tool.ntpkg");
            var packed = await NextraProcess.RunAsync("marketplace", "pack", tool, "-o", package, "--sign", keyFile);
            Assert.True(packed.Code == 0, packed.Stderr + packed.Stdout);
            Assert.Contains($"signed for {handle}/cli-signed by key {key.KeyId}", packed.Stdout);

            await Json.PostAsync(owner.Client, "/api/marketplace/publisher/keys", new { publicKey = key.PublicKey, name = "cli" }, 201);
            var accepted = await PublisherKeyTests.UploadAsync(owner.Client, await File.ReadAllBytesAsync(package), 202);
            var submission = (await owner.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/submissions/{accepted["submissionId"]}"))!;
            Assert.Equal("published", submission["state"]!.GetValue<string>());
            var version = (await owner.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{handle}/cli-signed/versions/1.0.0"))!;
            Assert.Equal(key.KeyId, version["signatures"]![0]!["keyId"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
