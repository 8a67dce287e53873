using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Accounts;
using Nextra.Modules.Common;

namespace Nextra.Host.Tests.Sso;

/// <summary>The real host with two <c>[[oidc.providers]]</c> entries pointing at a scripted provider on loopback.</summary>
public sealed class OidcFactory : NextraFactory, IAsyncLifetime
{
    public const string Tenant = "SSO Corp";

    public ScriptedOidcProvider Provider { get; private set; } = null!;

    public TestUser Owner { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await ScriptedOidcProvider.StartAsync();
        Owner = await CreateUserAsync(Tenant, Role.Owner, "owner@sso-corp.test");
    }

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Oidc:Providers:0:Name", "corp"),
        new("Oidc:Providers:0:DisplayName", "Corp Login"),
        new("Oidc:Providers:0:Authority", Provider.Url),
        new("Oidc:Providers:0:ClientId", ScriptedOidcProvider.ClientId),
        new("Oidc:Providers:0:ClientSecret", ScriptedOidcProvider.ClientSecret),
        new("Oidc:Providers:0:AutoProvision", "true"),
        new("Oidc:Providers:0:DefaultRole", "viewer"),
        new("Oidc:Providers:0:GroupRoles:Admins", "admin"),
        new("Oidc:Providers:0:GroupRoles:EngLeads", "editor"),
        new("Oidc:Providers:0:Tenant", Tenant),
        new("Oidc:Providers:1:Name", "closed"),
        new("Oidc:Providers:1:DisplayName", "Invite only"),
        new("Oidc:Providers:1:Authority", Provider.Url),
        new("Oidc:Providers:1:ClientId", ScriptedOidcProvider.ClientId),
        new("Oidc:Providers:1:ClientSecret", ScriptedOidcProvider.ClientSecret),
        new("Oidc:Providers:1:Tenant", Tenant),
    ];

    async Task IAsyncLifetime.DisposeAsync() => await Provider.DisposeAsync();
}

/// <summary>Authorization code + PKCE against the scripted provider; every spoiled ID token refused.</summary>
public sealed class OidcSignInTests(OidcFactory factory) : IClassFixture<OidcFactory>
{
    private sealed record Outcome(HttpResponseMessage Callback, HttpClient Browser)
    {
        public string Location => Callback.Headers.Location?.OriginalString ?? "";
    }

    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>Login at Nextra, consent at the provider, come back: what the callback answered.</summary>
    private async Task<Outcome> SignInAsync(string provider = "corp", string returnUrl = "/flows")
    {
        var browser = Browser();
        var start = await browser.GetAsync($"/oidc/{provider}/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        Assert.StartsWith(factory.Provider.Url + "/authorize?", authorize.OriginalString, StringComparison.Ordinal);
        using var idp = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var consent = await idp.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        var back = consent.Headers.Location!;
        Assert.Equal("/oidc/" + provider + "/callback", back.AbsolutePath);
        return new Outcome(await browser.GetAsync(back.PathAndQuery), browser);
    }

    private static bool SetsSession(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("nextra_session=", StringComparison.Ordinal) && !c.StartsWith("nextra_session=;", StringComparison.Ordinal));

    [Fact]
    public async Task LoginPage_ListsConfiguredProviders()
    {
        var providers = await factory.CreateClient().GetFromJsonAsync<JsonArray>("/api/auth/sso");

        Assert.Contains(providers!, p => p!["name"]!.GetValue<string>() == "corp" && p["displayName"]!.GetValue<string>() == "Corp Login"
            && p["loginUrl"]!.GetValue<string>() == "/oidc/corp/login");
    }

    [Fact]
    public async Task NewUser_AutoProvisioned_IntoTenantWithGroupRole_AndSignedIn()
    {
        factory.Provider.Flaw = IdTokenFlaw.None;
        factory.Provider.NextUser = new("sub-new-admin", "New.Admin@Sso-Corp.test", ["Admins", "other"]);

        var outcome = await SignInAsync(returnUrl: "/flows");

        Assert.Equal(HttpStatusCode.Redirect, outcome.Callback.StatusCode);
        Assert.Equal("/flows", outcome.Location);
        Assert.True(SetsSession(outcome.Callback));
        var me = await outcome.Browser.GetFromJsonAsync<JsonObject>("/api/auth/me");
        Assert.Equal("new.admin@sso-corp.test", me!["email"]!.GetValue<string>());
        Assert.Equal("admin", me["role"]!.GetValue<string>());
        Assert.Equal(OidcFactory.Tenant, me["tenantName"]!.GetValue<string>());
        Assert.Contains("openid", factory.Provider.LastScope!, StringComparison.Ordinal);
        Assert.Contains("email", factory.Provider.LastScope!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewUser_NoMatchingGroup_GetsDefaultRole_AndCannotUsePassword()
    {
        factory.Provider.Flaw = IdTokenFlaw.None;
        factory.Provider.NextUser = new("sub-viewer", "viewer@sso-corp.test", ["unknown"]);

        var outcome = await SignInAsync();

        var me = await outcome.Browser.GetFromJsonAsync<JsonObject>("/api/auth/me");
        Assert.Equal("viewer", me!["role"]!.GetValue<string>());
        var login = await factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = "viewer@sso-corp.test", password = "sso:no-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task ExistingUser_LinkedByEmail_KeepsAccountAndRole()
    {
        var existing = await factory.CreateUserAsync(OidcFactory.Tenant, Role.Editor, "existing@sso-corp.test");
        factory.Provider.Flaw = IdTokenFlaw.None;
        factory.Provider.NextUser = new("sub-existing", "EXISTING@sso-corp.test", ["Admins"]);

        var outcome = await SignInAsync("closed");

        Assert.Equal("/flows", outcome.Location);
        var me = await outcome.Browser.GetFromJsonAsync<JsonObject>("/api/auth/me");
        Assert.Equal(existing.UserId, me!["userId"]!.GetValue<string>());
        Assert.Equal("editor", me["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownUser_ProviderWithoutAutoProvision_Refused()
    {
        factory.Provider.Flaw = IdTokenFlaw.None;
        factory.Provider.NextUser = new("sub-stranger", "stranger@sso-corp.test", []);

        var outcome = await SignInAsync("closed");

        Assert.Equal("/login?sso_error=not_provisioned", outcome.Location);
        Assert.False(SetsSession(outcome.Callback));
    }

    [Fact]
    public async Task UserOfAnotherTenant_ProviderWithoutAutoProvision_Refused()
    {
        await factory.CreateUserAsync("elsewhere-" + Guid.NewGuid().ToString("N"), Role.Owner, "other-tenant@example.test");
        factory.Provider.Flaw = IdTokenFlaw.None;
        factory.Provider.NextUser = new("sub-other", "other-tenant@example.test", []);

        var outcome = await SignInAsync("closed");

        Assert.Equal("/login?sso_error=not_member", outcome.Location);
        Assert.False(SetsSession(outcome.Callback));
    }

    [Fact]
    public async Task UserOfAnotherTenant_AutoProvision_JoinsProviderTenantAsMember()
    {
        var home = await factory.CreateUserAsync("home-" + Guid.NewGuid().ToString("N"), Role.Owner, "two-tenants@example.test");
        factory.Provider.Flaw = IdTokenFlaw.None;
        factory.Provider.NextUser = new("sub-two", "two-tenants@example.test", ["eng_leads"]);

        var outcome = await SignInAsync();

        var me = await outcome.Browser.GetFromJsonAsync<JsonObject>("/api/auth/me");
        Assert.Equal(home.UserId, me!["userId"]!.GetValue<string>());
        Assert.Equal(OidcFactory.Tenant, me["tenantName"]!.GetValue<string>());
        Assert.Equal("editor", me["role"]!.GetValue<string>());
        using var scope = factory.Services.CreateScope();
        var tenants = await scope.ServiceProvider.GetRequiredService<IMembershipStore>().ListTenantsOfAsync(home.UserId, default);
        Assert.Equal(2, tenants.Count);
    }

    [Theory]
    [InlineData(IdTokenFlaw.WrongAudience, "token_invalid")]
    [InlineData(IdTokenFlaw.Expired, "token_invalid")]
    [InlineData(IdTokenFlaw.WrongNonce, "token_invalid")]
    [InlineData(IdTokenFlaw.BadSignature, "token_invalid")]
    [InlineData(IdTokenFlaw.Unsigned, "token_invalid")]
    [InlineData(IdTokenFlaw.EmailNotVerified, "email_unverified")]
    public async Task SpoiledIdToken_Refused_NoSession(IdTokenFlaw flaw, string code)
    {
        var email = $"flaw-{flaw}@sso-corp.test".ToLowerInvariant();
        factory.Provider.NextUser = new("sub-" + flaw, email, ["Admins"]);
        factory.Provider.Flaw = flaw;
        try
        {
            var outcome = await SignInAsync();

            Assert.Equal("/login?sso_error=" + code, outcome.Location);
            Assert.False(SetsSession(outcome.Callback));
            using var scope = factory.Services.CreateScope();
            Assert.Null(await scope.ServiceProvider.GetRequiredService<Nextra.Modules.Accounts.Stores.IAccountStore>().FindUserByEmailAsync(email, default));
        }
        finally
        {
            factory.Provider.Flaw = IdTokenFlaw.None;
        }
    }

    [Fact]
    public async Task Callback_WithoutTheBrowsersStateCookie_Refused()
    {
        factory.Provider.Flaw = IdTokenFlaw.None;
        factory.Provider.NextUser = new("sub-csrf", "csrf-victim@sso-corp.test", []);
        var attacker = Browser();
        var start = await attacker.GetAsync("/oidc/corp/login");
        using var idp = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var back = (await idp.GetAsync(start.Headers.Location!)).Headers.Location!;
        var before = factory.Provider.TokenRequests;

        var victim = await Browser().GetAsync(back.PathAndQuery); // another browser: no state cookie

        Assert.Equal("/login?sso_error=invalid_state", victim.Headers.Location!.OriginalString);
        Assert.False(SetsSession(victim));
        Assert.Equal(before, factory.Provider.TokenRequests); // refused before the code was spent
    }

    [Fact]
    public async Task Callback_Replayed_Refused()
    {
        factory.Provider.Flaw = IdTokenFlaw.None;
        factory.Provider.NextUser = new("sub-replay", "replay@sso-corp.test", []);
        var browser = Browser();
        var start = await browser.GetAsync("/oidc/corp/login");
        var state = start.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("nextra_sso_state=", StringComparison.Ordinal));
        using var idp = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var back = (await idp.GetAsync(start.Headers.Location!)).Headers.Location!;
        var first = await browser.GetAsync(back.PathAndQuery);
        Assert.Equal("/", first.Headers.Location!.OriginalString);

        var replay = Browser();
        replay.DefaultRequestHeaders.Add("Cookie", state.Split(';')[0]);
        var second = await replay.GetAsync(back.PathAndQuery);

        Assert.Equal("/login?sso_error=invalid_state", second.Headers.Location!.OriginalString);
        Assert.False(SetsSession(second));
    }

    [Fact]
    public async Task Login_OffSiteReturnUrl_BecomesRoot()
    {
        factory.Provider.Flaw = IdTokenFlaw.None;
        factory.Provider.NextUser = new("sub-open-redirect", "redirect@sso-corp.test", []);

        var outcome = await SignInAsync(returnUrl: "//evil.example/steal");

        Assert.Equal("/", outcome.Location);
    }

    [Fact]
    public async Task UnknownProvider_Is404Problem()
    {
        var response = await Browser().GetAsync("/oidc/nope/login");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("sso_provider_not_found", (await Json.ReadAsync(response))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task SsoRequired_PasswordRefusedForMembers_OwnerKeepsIt()
    {
        var editor = await factory.CreateUserAsync(OidcFactory.Tenant, Role.Editor, $"pw-editor-{Guid.NewGuid():N}@sso-corp.test");
        Assert.Equal(HttpStatusCode.OK, (await factory.Owner.Client.PutAsJsonAsync("/api/sso/settings", new { ssoRequired = true })).StatusCode);
        try
        {
            var refused = await factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = editor.Email, password = TestUser.Password });
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("sso_required", (await Json.ReadAsync(refused))["code"]!.GetValue<string>());
            var owner = await factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = factory.Owner.Email, password = TestUser.Password });
            Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
            Assert.True((await factory.Owner.Client.GetFromJsonAsync<JsonObject>("/api/sso"))!["ssoRequired"]!.GetValue<bool>());
        }
        finally
        {
            await factory.Owner.Client.PutAsJsonAsync("/api/sso/settings", new { ssoRequired = false });
        }
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = editor.Email, password = TestUser.Password })).StatusCode);
    }

    [Fact]
    public async Task TenantProvider_SecretEncryptedNeverReturned_AndCallsPassTheEgressGuard()
    {
        var put = await factory.Owner.Client.PutAsJsonAsync("/api/sso/providers/tenant-idp", new
        {
            kind = "oidc", displayName = "Tenant IdP", authority = factory.Provider.Url, clientId = ScriptedOidcProvider.ClientId,
            clientSecret = "tenant-secret-value", autoProvision = true, defaultRole = "editor",
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var settings = await factory.Owner.Client.GetStringAsync("/api/sso");
        Assert.Contains("\"hasClientSecret\":true", settings, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant-secret-value", settings, StringComparison.Ordinal);
        using (var scope = factory.Services.CreateScope())
        {
            var row = await scope.ServiceProvider.GetRequiredService<Nextra.Modules.Sso.Stores.ISsoStore>().FindProviderAsync("tenant-idp", default);
            Assert.DoesNotContain("tenant-secret-value", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(row!.Secret!)), StringComparison.Ordinal);
        }
        var viewer = await factory.CreateUserAsync(OidcFactory.Tenant, Role.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.Client.GetAsync("/api/sso")).StatusCode);
        var other = await factory.CreateUserAsync("other-" + Guid.NewGuid().ToString("N"));
        var taken = await other.Client.PutAsJsonAsync("/api/sso/providers/tenant-idp", new { kind = "oidc", authority = "https://x.example", clientId = "c" });
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        var clash = await factory.Owner.Client.PutAsJsonAsync("/api/sso/providers/corp", new { kind = "oidc", authority = "https://x.example", clientId = "c" });
        Assert.Equal(HttpStatusCode.Conflict, clash.StatusCode);

        // An admin-set authority on loopback is refused by the SSRF guard (the operator did not allow-list it).
        var start = await Browser().GetAsync("/oidc/tenant-idp/login");

        Assert.Equal("/login?sso_error=provider_unreachable", start.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.Owner.Client.DeleteAsync("/api/sso/providers/tenant-idp")).StatusCode);
    }
}
