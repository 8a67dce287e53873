using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Host.Tests.Api;
using Nextra.Modules.Marketplace;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>
/// Staged auto-updates (R4) on the real host: of two tenants that opted into auto-update, the one in the first stage (10%, by
/// hash of tenant and listing) moves at once and the other only after <c>staged_update_hours</c>; a release whose first stage
/// then fails its runs is halted and the rest stay on the version they have; a release that widens permissions waits for
/// approval as the install's pending version. Passes are run directly (with a chosen clock) as the background service runs them.
/// </summary>
public class StagedUpdateTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Echo = """
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))
        """;

    private const string Trap = """
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64) unreachable))
        """;

    private static async Task PublishAsync(TestUser user, string moduleId, string name, string version, bool log = false) =>
        await Json.PostAsync(user.Client, "/api/marketplace/publish", new
        {
            kind = "tool", moduleId, name, version, summary = "Answers with its input", categories = new[] { "utility" }, permissions = new { log },
        }, 202);

    private static async Task<JsonNode> InstallOfAsync(TestUser user, string id) =>
        (await user.Client.GetFromJsonAsync<JsonArray>("/api/marketplace/installs"))!.Single(i => i!["listingId"]!.GetValue<string>() == id)!;

    [ProviderFact]
    public async Task AutoUpdate_FirstStageAtOnce_RestAfterSoak_HaltedOnFailures_WidenedWaitsForApproval()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var publisher = await factory.CreateUserAsync("stage-pub-" + suffix);
        var handle = (await publisher.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var first = await factory.CreateUserAsync("stage-first-" + suffix);
        var rest = await factory.CreateUserAsync("stage-rest-" + suffix);
        // A listing name that puts one tenant in the first stage and the other not (the stage is a pure function of tenant and listing).
        var name = Enumerable.Range(0, 10_000).Select(i => $"staged-{suffix}-{i}")
            .First(n => StagedUpdates.InFirstStage(first.TenantId, $"{handle}/{n}") && !StagedUpdates.InFirstStage(rest.TenantId, $"{handle}/{n}"));
        var id = $"{handle}/{name}";
        var echo = (await Json.PostAsync(publisher.Client, "/api/modules", new { name = "stage_echo", kind = "wat", content = Echo }, 201))["id"]!.GetValue<string>();
        var trap = (await Json.PostAsync(publisher.Client, "/api/modules", new { name = "stage_trap", kind = "wat", content = Trap }, 201))["id"]!.GetValue<string>();
        await PublishAsync(publisher, echo, name, "1.0.0");
        foreach (var user in new[] { first, rest })
        {
            var install = await Json.PostAsync(user.Client, "/api/marketplace/installs", new { id, acceptPermissions = true }, 201);
            var patched = await user.Client.PatchAsJsonAsync($"/api/marketplace/installs/{install["id"]}", new { autoUpdate = true });
            patched.EnsureSuccessStatusCode();
        }
        var updates = factory.Services.GetRequiredService<StagedUpdates>();

        // 1.1.0: the first stage moves at once, the rest after the soak (24 h by default).
        await PublishAsync(publisher, echo, name, "1.1.0");
        var now = DateTimeOffset.UtcNow;
        await updates.RunOnceAsync(now, default);
        Assert.Equal("1.1.0", (await InstallOfAsync(first, id))["version"]!.GetValue<string>());
        Assert.Equal("1.0.0", (await InstallOfAsync(rest, id))["version"]!.GetValue<string>());
        Assert.Equal("first", (await publisher.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{id}/versions/1.1.0"))!["rollout"]!["state"]!.GetValue<string>());
        await updates.RunOnceAsync(now.AddHours(23), default);
        Assert.Equal("1.0.0", (await InstallOfAsync(rest, id))["version"]!.GetValue<string>());
        await updates.RunOnceAsync(now.AddHours(25), default);
        var moved = await InstallOfAsync(rest, id);
        Assert.Equal(("1.1.0", "1.0.0"), (moved["version"]!.GetValue<string>(), moved["previousVersion"]!.GetValue<string>()));
        Assert.Equal("complete", (await publisher.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{id}/versions/1.1.0"))!["rollout"]!["state"]!.GetValue<string>());

        // 1.2.0 traps: the first stage's runs fail after it moves, so the rollout halts and the rest stay on 1.1.0.
        var flow = await Json.PostAsync(first.Client, "/api/flows", Flows.Create("Staged", $$$"""
            organism: {name: staged}
            payloads:
              Text: {fields: {Text: string}}
            listeners:
              - {name: a, description: echo, payload_class: Text, handler: code, config: {module: "{{{id}}}@1"}}
            """), 201);
        await Json.PostAsync(first.Client, $"/api/triggers/{flow["id"]}/inject?wait=20", new { payload = new { text = "before" }, target = "a", payloadClass = "Text" }, 200);
        await PublishAsync(publisher, trap, name, "1.2.0");
        now = DateTimeOffset.UtcNow;
        await updates.RunOnceAsync(now, default);
        Assert.Equal("1.2.0", (await InstallOfAsync(first, id))["version"]!.GetValue<string>());
        // A flow picks up the version its install moved to at its next start or wake (as after a PATCH).
        (await first.Client.PostAsJsonAsync($"/api/flows/{flow["id"]}/stop", new { })).EnsureSuccessStatusCode();
        for (var i = 0; i < 10; i++)
        {
            var run = await first.Client.PostAsJsonAsync($"/api/triggers/{flow["id"]}/inject?wait=20", new { payload = new { text = "after" }, target = "a", payloadClass = "Text" });
            Assert.Equal("failed", (await Json.ReadAsync(run))["status"]!.GetValue<string>());
        }
        await updates.RunOnceAsync(now.AddHours(25), default);
        Assert.Equal("1.1.0", (await InstallOfAsync(rest, id))["version"]!.GetValue<string>());
        var halted = (await publisher.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/tools/{id}/versions/1.2.0"))!["rollout"]!;
        Assert.Equal("halted", halted["state"]!.GetValue<string>());
        Assert.Contains("10/10 runs failed", halted["detail"]!.GetValue<string>());

        // 1.3.0 asks for more (log): never moved automatically, it waits as the pending version; the first stage stays on 1.2.0.
        await PublishAsync(publisher, echo, name, "1.3.0", log: true);
        await updates.RunOnceAsync(DateTimeOffset.UtcNow, default);
        var held = await InstallOfAsync(first, id);
        Assert.Equal(("1.2.0", "1.3.0"), (held["version"]!.GetValue<string>(), held["pendingVersion"]!.GetValue<string>()));
    }
}

public sealed class PostgresStagedUpdateTests(PostgresNextraFactory factory) : StagedUpdateTests(factory), IClassFixture<PostgresNextraFactory>;
