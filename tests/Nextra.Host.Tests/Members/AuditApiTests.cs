using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Nextra.Modules.Common;

namespace Nextra.Host.Tests.Members;

/// <summary>GET /api/audit: what is recorded, its exact shape, paging, the action filter, who may read it.</summary>
public sealed class AuditApiTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private static async Task<JsonArray> ItemsAsync(HttpClient client, string query = "")
    {
        var page = (await client.GetFromJsonAsync<JsonObject>("/api/audit" + query))!;
        return page["items"]!.AsArray();
    }

    [Fact]
    public async Task Audit_RecordsSignInsMembersKeysSecretsFlows_NewestFirst_Paged()
    {
        var tenant = "audit-" + Guid.NewGuid().ToString("N");
        var owner = await factory.CreateUserAsync(tenant);
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsJsonAsync("/api/auth/login", new { email = owner.Email, password = "wrong password!" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsJsonAsync("/api/auth/login", new { email = owner.Email, password = TestUser.Password })).StatusCode);
        var flowId = (await Json.PostAsync(owner.Client, "/api/flows", Api.Flows.Create(), 201))["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.PutAsJsonAsync("/api/secrets/OPENAI_API_KEY", new { value = "sk-very-secret" })).StatusCode);
        var invite = await Json.PostAsync(owner.Client, "/api/members/invites", new { email = $"a-{Guid.NewGuid():N}@example.test", role = "admin" }, 201);
        var key = await Json.PostAsync(owner.Client, "/api/apikeys", new { name = "ci" }, 201);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync("/api/flows/" + flowId)).StatusCode);

        var items = await ItemsAsync(owner.Client);
        var actions = items.Select(i => i!["action"]!.GetValue<string>()).ToList();
        Assert.Equal(["flow.delete", "apikey.create", "invite.create", "secret.put", "flow.create", "auth.signin", "auth.signin_failed"], actions);
        var secret = items.Single(i => i!["action"]!.GetValue<string>() == "secret.put")!;
        Assert.Equal("OPENAI_API_KEY", secret["target"]!.GetValue<string>());
        Assert.DoesNotContain("sk-very-secret", items.ToJsonString(), StringComparison.Ordinal);
        var created = items.Single(i => i!["action"]!.GetValue<string>() == "flow.create")!;
        Assert.Equal(flowId, created["target"]!.GetValue<string>());
        Assert.Equal(new JsonObject { ["userId"] = owner.UserId, ["email"] = owner.Email, ["via"] = "apikey" }.ToJsonString(), created["actor"]!.ToJsonString());
        Assert.Equal("session", items.Single(i => i!["action"]!.GetValue<string>() == "auth.signin")!["actor"]!["via"]!.GetValue<string>());
        Assert.Equal("role=admin", items.Single(i => i!["action"]!.GetValue<string>() == "invite.create")!["detail"]!.GetValue<string>());
        Assert.Equal(key["id"]!.GetValue<string>(), items.Single(i => i!["action"]!.GetValue<string>() == "apikey.create")!["target"]!.GetValue<string>());
        Assert.All(items, i => Assert.Equal(["at", "actor", "action", "target", "detail", "ip"], i!.AsObject().Select(p => p.Key)));
        Assert.NotNull(invite["id"]);

        // Paging: nextBefore of one page is before of the next; the filter keeps one action.
        var first = (await owner.Client.GetFromJsonAsync<JsonObject>("/api/audit?limit=3"))!;
        Assert.Equal(actions.Take(3), first["items"]!.AsArray().Select(i => i!["action"]!.GetValue<string>()));
        var next = first["nextBefore"]!.GetValue<string>();
        var second = (await owner.Client.GetFromJsonAsync<JsonObject>("/api/audit?limit=10&before=" + Uri.EscapeDataString(next)))!;
        Assert.Equal(actions.Skip(3), second["items"]!.AsArray().Select(i => i!["action"]!.GetValue<string>()));
        Assert.Null(second["nextBefore"]);
        Assert.Equal(["secret.put"], (await ItemsAsync(owner.Client, "?action=secret.put")).Select(i => i!["action"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await owner.Client.GetAsync("/api/audit?limit=0")).StatusCode);
    }

    [Fact]
    public async Task Audit_ScopedToTenant_AndAdminsOnly()
    {
        var tenant = "audit-" + Guid.NewGuid().ToString("N");
        var owner = await factory.CreateUserAsync(tenant);
        var editor = await factory.CreateUserAsync(tenant, Role.Editor);
        var stranger = await factory.CreateUserAsync("audit-" + Guid.NewGuid().ToString("N"));
        await Json.PostAsync(owner.Client, "/api/flows", Api.Flows.Create(), 201);

        Assert.Equal(HttpStatusCode.Forbidden, (await editor.Client.GetAsync("/api/audit")).StatusCode);
        Assert.Single(await ItemsAsync(owner.Client));
        Assert.Empty(await ItemsAsync(stranger.Client));
    }
}
