using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Common;
using Nextra.Modules.Tiers;

namespace Nextra.Host.Tests.Members;

/// <summary>Members, invites, roles, ownership, several tenants per person, per-key limits (docs/api.md, Members).</summary>
public sealed class MembersApiTests(TeamsFactory factory) : IClassFixture<TeamsFactory>
{
    private static string NewTenant() => "team-" + Guid.NewGuid().ToString("N");

    private static string NewEmail() => $"p-{Guid.NewGuid():N}@example.test";

    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });

    /// <summary>Takes the CSRF cookie of a sign-in answer into the client's default headers.</summary>
    private static void UseCsrf(HttpClient client, HttpResponseMessage signIn)
    {
        var header = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("nextra_csrf=", StringComparison.Ordinal));
        client.DefaultRequestHeaders.Remove("X-Nextra-Csrf");
        client.DefaultRequestHeaders.Add("X-Nextra-Csrf", header["nextra_csrf=".Length..header.IndexOf(';', StringComparison.Ordinal)]);
    }

    private static async Task<JsonNode> SendAsync(HttpClient client, HttpMethod method, string url, object? body, int expected)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == (int)response.StatusCode, $"{method} {url}: expected {expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task Invite_NewPersonAccepts_BecomesMemberOnce()
    {
        var owner = await factory.CreateUserAsync(NewTenant());
        var email = NewEmail();
        var invite = await Json.PostAsync(owner.Client, "/api/members/invites", new { email, role = "editor" }, 201);
        Assert.Equal(email, invite["email"]!.GetValue<string>());
        Assert.Equal("editor", invite["role"]!.GetValue<string>());
        var token = invite["token"]!.GetValue<string>();
        Assert.EndsWith("/invite?token=" + token, invite["url"]!.GetValue<string>(), StringComparison.Ordinal);
        var expires = invite["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));
        var open = await owner.Client.GetFromJsonAsync<JsonArray>("/api/members/invites");
        Assert.Contains(open!, i => i!["email"]!.GetValue<string>() == email);
        Assert.DoesNotContain("token", open!.ToJsonString(), StringComparison.Ordinal);

        var browser = Browser();
        var noPassword = await Json.PostAsync(browser, "/api/invites/accept", new { token }, 422);
        Assert.Equal("validation_failed", noPassword["code"]!.GetValue<string>());
        var accepted = await browser.PostAsJsonAsync("/api/invites/accept", new { token, password = TestUser.Password, name = "Pat" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var me = await Json.ReadAsync(accepted);
        Assert.Equal((owner.TenantId, "editor", email), (me["tenantId"]!.GetValue<string>(), me["role"]!.GetValue<string>(), me["email"]!.GetValue<string>()));
        Assert.Equal(email, (await browser.GetFromJsonAsync<JsonObject>("/api/auth/me"))!["email"]!.GetValue<string>()); // the session is set

        var members = (await owner.Client.GetFromJsonAsync<JsonArray>("/api/members"))!;
        var joined = Assert.Single(members, m => m!["email"]!.GetValue<string>() == email)!;
        Assert.Equal(("editor", "Pat"), (joined["role"]!.GetValue<string>(), joined["name"]!.GetValue<string>()));
        Assert.NotNull(joined["joinedAt"]);
        Assert.Empty((await owner.Client.GetFromJsonAsync<JsonArray>("/api/members/invites"))!);
        var again = await Json.PostAsync(Browser(), "/api/invites/accept", new { token, password = TestUser.Password }, 410);
        Assert.Equal("invite_invalid", again["code"]!.GetValue<string>());
        // The new person signs in with the password they chose.
        var login = await Browser().PostAsJsonAsync("/api/auth/login", new { email, password = TestUser.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Invites_RevokedOrUnknown_Refused_AdminMayNotInviteOwner()
    {
        var tenant = NewTenant();
        await factory.CreateUserAsync(tenant);
        var admin = await factory.CreateUserAsync(tenant, Role.Admin);
        var editor = await factory.CreateUserAsync(tenant, Role.Editor);
        var ownerInvite = await Json.PostAsync(admin.Client, "/api/members/invites", new { email = NewEmail(), role = "owner" }, 403);
        Assert.Contains("Only an owner", ownerInvite["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var byEditor = await Json.PostAsync(editor.Client, "/api/members/invites", new { email = NewEmail(), role = "viewer" }, 403);
        Assert.Contains("This needs the admin role", byEditor["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await Json.PostAsync(admin.Client, "/api/members/invites", new { email = NewEmail(), role = "boss" }, 422);
        await Json.PostAsync(admin.Client, "/api/members/invites", new { email = admin.Email, role = "viewer" }, 409);

        var invite = await Json.PostAsync(admin.Client, "/api/members/invites", new { email = NewEmail(), role = "viewer" }, 201);
        await SendAsync(admin.Client, HttpMethod.Delete, "/api/members/invites/" + invite["id"]!.GetValue<string>(), null, 204);
        await SendAsync(admin.Client, HttpMethod.Delete, "/api/members/invites/" + invite["id"]!.GetValue<string>(), null, 404);
        await Json.PostAsync(Browser(), "/api/invites/accept", new { token = invite["token"]!.GetValue<string>(), password = TestUser.Password }, 410);
        await Json.PostAsync(Browser(), "/api/invites/accept", new { token = "not-a-token", password = TestUser.Password }, 410);
    }

    [Fact]
    public async Task Roles_LastOwnerProtected_AdminCannotTouchOwners_TransferOwnership()
    {
        var tenant = NewTenant();
        var owner = await factory.CreateUserAsync(tenant);
        var admin = await factory.CreateUserAsync(tenant, Role.Admin);
        var editor = await factory.CreateUserAsync(tenant, Role.Editor);

        var demote = await SendAsync(owner.Client, HttpMethod.Put, "/api/members/" + owner.UserId, new { role = "admin" }, 409);
        Assert.Equal("last_owner", demote["code"]!.GetValue<string>());
        await SendAsync(owner.Client, HttpMethod.Delete, "/api/members/" + owner.UserId, null, 409);
        await SendAsync(admin.Client, HttpMethod.Put, "/api/members/" + owner.UserId, new { role = "viewer" }, 403);
        await SendAsync(admin.Client, HttpMethod.Delete, "/api/members/" + owner.UserId, null, 403);
        await SendAsync(admin.Client, HttpMethod.Put, "/api/members/" + editor.UserId, new { role = "owner" }, 403);
        var changed = await SendAsync(admin.Client, HttpMethod.Put, "/api/members/" + editor.UserId, new { role = "viewer" }, 200);
        Assert.Equal("viewer", changed["role"]!.GetValue<string>());
        // The role applies to the editor's existing API key at once.
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.Client.PostAsJsonAsync("/api/flows", Api.Flows.Create())).StatusCode);
        await SendAsync(admin.Client, HttpMethod.Post, "/api/members/transfer-ownership", new { userId = admin.UserId }, 403);

        await SendAsync(owner.Client, HttpMethod.Post, "/api/members/transfer-ownership", new { userId = admin.UserId }, 204);
        var roles = (await admin.Client.GetFromJsonAsync<JsonArray>("/api/members"))!.ToDictionary(m => m!["userId"]!.GetValue<string>(), m => m!["role"]!.GetValue<string>());
        Assert.Equal(("admin", "owner"), (roles[owner.UserId], roles[admin.UserId]));
        // The new owner removes the old one, whose key stops working.
        await SendAsync(admin.Client, HttpMethod.Delete, "/api/members/" + owner.UserId, null, 204);
        Assert.Equal(HttpStatusCode.Unauthorized, (await owner.Client.GetAsync("/api/flows")).StatusCode);
        Assert.DoesNotContain(owner.UserId, (await admin.Client.GetStringAsync("/api/members")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonInTwoTenants_SwitchesTenant_KeysStayWithTheirTenant()
    {
        var first = await factory.CreateUserAsync(NewTenant());
        var other = await factory.CreateUserAsync(NewTenant());
        var browser = Browser();
        var login = await browser.PostAsJsonAsync("/api/auth/login", new { email = first.Email, password = TestUser.Password });
        UseCsrf(browser, login);
        // Invited to another tenant, accepted while signed in: the same person joins, the session moves there.
        var invite = await Json.PostAsync(other.Client, "/api/members/invites", new { email = first.Email, role = "viewer" }, 201);
        var accepted = await browser.PostAsJsonAsync("/api/invites/accept", new { token = invite["token"]!.GetValue<string>() });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        UseCsrf(browser, accepted);
        Assert.Equal(other.TenantId, (await Json.ReadAsync(accepted))["tenantId"]!.GetValue<string>());

        var tenants = (await browser.GetFromJsonAsync<JsonArray>("/api/tenants"))!;
        Assert.Equal(2, tenants.Count);
        Assert.Equal(other.TenantId, Assert.Single(tenants, t => t!["current"]!.GetValue<bool>())!["tenantId"]!.GetValue<string>());
        Assert.Equal("viewer", Assert.Single(tenants, t => t!["tenantId"]!.GetValue<string>() == other.TenantId)!["role"]!.GetValue<string>());

        var switched = await Json.PostAsync(browser, "/api/auth/switch", new { tenantId = first.TenantId }, 200);
        Assert.Equal(("owner", first.TenantId), (switched["role"]!.GetValue<string>(), switched["tenantId"]!.GetValue<string>()));
        Assert.Equal(first.TenantId, (await browser.GetFromJsonAsync<JsonObject>("/api/auth/me"))!["tenantId"]!.GetValue<string>());
        await Json.PostAsync(browser, "/api/auth/switch", new { tenantId = Guid.NewGuid().ToString() }, 404);
        // An API key belongs to one (user, tenant): it cannot switch, and still sees its own tenant.
        await Json.PostAsync(first.Client, "/api/auth/switch", new { tenantId = other.TenantId }, 400);
        Assert.Equal(first.TenantId, (await first.Client.GetFromJsonAsync<JsonObject>("/api/auth/me"))!["tenantId"]!.GetValue<string>());
        // Someone else's invite cannot be taken by a signed-in user of another email.
        var foreign = await Json.PostAsync(other.Client, "/api/members/invites", new { email = NewEmail(), role = "viewer" }, 201);
        var mismatch = await Json.PostAsync(browser, "/api/invites/accept", new { token = foreign["token"]!.GetValue<string>() }, 403);
        Assert.Equal("invite_email_mismatch", mismatch["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task TeamMembers_CountsMembersAndOpenInvites()
    {
        var tenant = NewTenant();
        var owner = await factory.CreateUserAsync(tenant);
        await factory.Services.GetRequiredService<TierService>().SetTierAsync(tenant, "paid", CancellationToken.None);
        var browser = Browser(); // cookie requests: not subject to the per-key API limit this tier sets very low
        UseCsrf(browser, await browser.PostAsJsonAsync("/api/auth/login", new { email = owner.Email, password = TestUser.Password }));
        var invite = await Json.PostAsync(browser, "/api/members/invites", new { email = NewEmail(), role = "viewer" }, 201);
        var full = await Json.PostAsync(browser, "/api/members/invites", new { email = NewEmail(), role = "viewer" }, 403);
        Assert.Equal(("quota_exceeded", "team_members"), (full["code"]!.GetValue<string>(), full["limit"]!.GetValue<string>()));
        await SendAsync(browser, HttpMethod.Delete, "/api/members/invites/" + invite["id"]!.GetValue<string>(), null, 204);
        await Json.PostAsync(browser, "/api/members/invites", new { email = NewEmail(), role = "viewer" }, 201);
    }

    [Fact]
    public async Task ApiKey_PastTiersRequestsPerMinute_Is429WithRetryAfter()
    {
        var tenant = NewTenant();
        var owner = await factory.CreateUserAsync(tenant);
        await factory.Services.GetRequiredService<TierService>().SetTierAsync(tenant, "paid", CancellationToken.None);
        for (var i = 0; i < TeamsFactory.PaidApiRequestsPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await owner.Client.GetAsync("/api/flows")).StatusCode);
        }
        using var limited = await owner.Client.GetAsync("/api/flows");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        var problem = await Json.ReadAsync(limited);
        Assert.Equal("rate_limited", problem["code"]!.GetValue<string>());
        Assert.Contains("5 API requests a minute", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // Another key of the same tenant shares the tenant's budget; another tenant's key does not.
        var colleague = await factory.CreateUserAsync(tenant, Role.Owner);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await colleague.Client.GetAsync("/api/flows")).StatusCode);
        var stranger = await factory.CreateUserAsync(NewTenant());
        Assert.Equal(HttpStatusCode.OK, (await stranger.Client.GetAsync("/api/flows")).StatusCode);
    }

    [Fact]
    public async Task TenantApiKeys_AdminListsAndRevokesAnyone()
    {
        var tenant = NewTenant();
        var admin = await factory.CreateUserAsync(tenant, Role.Admin);
        var editor = await factory.CreateUserAsync(tenant, Role.Editor);
        var keys = (await admin.Client.GetFromJsonAsync<JsonArray>("/api/tenant/apikeys"))!;
        var editorsKey = Assert.Single(keys, k => k!["email"]!.GetValue<string>() == editor.Email)!;
        await SendAsync(admin.Client, HttpMethod.Delete, "/api/tenant/apikeys/" + editorsKey["id"]!.GetValue<string>(), null, 204);
        Assert.Equal(HttpStatusCode.Unauthorized, (await editor.Client.GetAsync("/api/flows")).StatusCode);
    }

    [Fact]
    public async Task Signup_ClosedByDefault()
    {
        var problem = await Json.PostAsync(Browser(), "/api/auth/signup", new { email = NewEmail(), password = TestUser.Password }, 403);
        Assert.Equal("signup_closed", problem["code"]!.GetValue<string>());
    }
}
