using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Accounts;

namespace Nextra.Host.Tests.Api;

/// <summary>Setup, login, cookies + CSRF, logout, me, password and API keys (docs/api.md, Authentication).</summary>
public sealed class AccountsApiTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private HttpClient CookieClient() => factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });

    [Fact]
    public async Task Setup_FreshDataDir_CreatesOwnerOnceWithToken()
    {
        using var fresh = new NextraFactory();
        var client = fresh.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        Assert.True((await client.GetFromJsonAsync<JsonObject>("/api/setup"))!["needed"]!.GetValue<bool>());
        var token = await fresh.Services.GetRequiredService<SetupTokens>().IssueAsync(default);

        var wrong = await Json.PostAsync(client, "/api/setup", new { token = "nope", email = "owner@example.test", password = TestUser.Password }, 403);
        Assert.Equal("invalid_setup_token", wrong["code"]!.GetValue<string>());
        var response = await client.PostAsJsonAsync("/api/setup", new { token, email = "Owner@Example.test", password = TestUser.Password, tenantName = "Acme" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var me = await Json.ReadAsync(response);
        Assert.Equal("owner@example.test", me["email"]!.GetValue<string>());
        Assert.Equal("owner", me["role"]!.GetValue<string>());
        Assert.Equal("Acme", me["tenantName"]!.GetValue<string>());
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        var session = Assert.Single(cookies, c => c.StartsWith("nextra_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        var csrf = Assert.Single(cookies, c => c.StartsWith("nextra_csrf=", StringComparison.Ordinal));
        Assert.DoesNotContain("httponly", csrf, StringComparison.OrdinalIgnoreCase);
        Assert.False((await client.GetFromJsonAsync<JsonObject>("/api/setup"))!["needed"]!.GetValue<bool>());
        Assert.Equal("owner@example.test", (await client.GetFromJsonAsync<JsonObject>("/api/auth/me"))!["email"]!.GetValue<string>());
        var again = await Json.PostAsync(fresh.CreateClient(), "/api/setup", new { token, email = "x@example.test", password = TestUser.Password }, 409);
        Assert.Equal("setup_done", again["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_WrongPassword_Is401InvalidCredentials()
    {
        var user = await factory.CreateUserAsync("login-wrong");

        var problem = await Json.PostAsync(CookieClient(), "/api/auth/login", new { email = user.Email, password = "wrong password" }, 401);

        Assert.Equal("invalid_credentials", problem["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task CookieSession_UnsafeRequestWithoutCsrfHeader_Is403()
    {
        var user = await factory.CreateUserAsync("csrf");
        var client = CookieClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = TestUser.Password });
        login.EnsureSuccessStatusCode();
        var csrf = CookieValue(login, "nextra_csrf");

        var without = await client.PostAsJsonAsync("/api/flows", Flows.Create());
        Assert.Equal(HttpStatusCode.Forbidden, without.StatusCode);
        Assert.Equal("csrf_failed", (await Json.ReadAsync(without))["code"]!.GetValue<string>());

        client.DefaultRequestHeaders.Add("X-Nextra-Csrf", csrf);
        var with = await client.PostAsJsonAsync("/api/flows", Flows.Create());
        Assert.Equal(HttpStatusCode.Created, with.StatusCode);
    }

    [Fact]
    public async Task Logout_EndsSession()
    {
        var user = await factory.CreateUserAsync("logout");
        var client = CookieClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = TestUser.Password });
        client.DefaultRequestHeaders.Add("X-Nextra-Csrf", CookieValue(login, "nextra_csrf"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);

        var logout = await client.PostAsync("/api/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task ChangePassword_OldStopsWorkingNewWorks()
    {
        var user = await factory.CreateUserAsync("password");
        var wrong = await Json.PostAsync(user.Client, "/api/auth/password", new { currentPassword = "not it", newPassword = "a brand new one" }, 403);
        Assert.Equal("invalid_credentials", wrong["code"]!.GetValue<string>());
        await Json.PostAsync(user.Client, "/api/auth/password", new { currentPassword = "x", newPassword = "short" }, 403);

        await Json.PostAsync(user.Client, "/api/auth/password", new { currentPassword = TestUser.Password, newPassword = "a brand new one" }, 204);

        await Json.PostAsync(CookieClient(), "/api/auth/login", new { email = user.Email, password = TestUser.Password }, 401);
        await Json.PostAsync(CookieClient(), "/api/auth/login", new { email = user.Email, password = "a brand new one" }, 200);
    }

    [Fact]
    public async Task ChangePassword_TooShort_Is422()
    {
        var user = await factory.CreateUserAsync("password-short");

        var problem = await Json.PostAsync(user.Client, "/api/auth/password", new { currentPassword = TestUser.Password, newPassword = "short" }, 422);

        Assert.Equal("validation_failed", problem["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ApiKeys_CreateListUseRevoke()
    {
        var user = await factory.CreateUserAsync("keys");

        var created = await Json.PostAsync(user.Client, "/api/apikeys", new { name = "ci" }, 201);
        var key = created["key"]!.GetValue<string>();
        var id = created["id"]!.GetValue<string>();
        Assert.StartsWith(created["prefix"]!.GetValue<string>(), key, StringComparison.Ordinal);

        var list = await user.Client.GetFromJsonAsync<JsonArray>("/api/apikeys");
        var listed = list!.Single(k => k!["id"]!.GetValue<string>() == id)!;
        Assert.Equal("ci", listed["name"]!.GetValue<string>());
        Assert.False(listed.AsObject().ContainsKey("key"));
        Assert.DoesNotContain(key, list!.ToJsonString(), StringComparison.Ordinal);

        var other = factory.CreateClient();
        other.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var me = await other.GetFromJsonAsync<JsonObject>("/api/auth/me");
        Assert.Equal(user.Email, me!["email"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync($"/api/apikeys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.DeleteAsync($"/api/apikeys/{id}")).StatusCode);
    }

    [Fact]
    public async Task Login_TooManyAttempts_Is429()
    {
        using var own = new NextraFactory(); // its own limiter, so other tests' logins do not count
        var client = own.CreateClient();
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i <= NextraFactory.LoginAttemptsPerMinute; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = "nobody@example.test", password = "wrong password" });
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses.Take(NextraFactory.LoginAttemptsPerMinute), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    private static string CookieValue(HttpResponseMessage response, string name)
    {
        var header = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));
        return header[(name.Length + 1)..header.IndexOf(';', StringComparison.Ordinal)];
    }
}
