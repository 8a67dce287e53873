using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Sso.Clerk;
using Nextra.Modules.Sso.Stores;

namespace Nextra.Host.Tests.Sso;

public sealed class ClerkFactory : NextraFactory
{
    public static readonly string Secret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("clerk-test-signing-secret-32byte"));

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [new("Clerk:WebhookSecret", Secret)];
}

/// <summary><c>POST /webhooks/clerk</c> signed as Svix signs (docs: svix-id, svix-timestamp, svix-signature v1,base64 HMAC-SHA256).</summary>
public sealed class ClerkWebhookTests(ClerkFactory factory) : IClassFixture<ClerkFactory>
{
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private async Task<HttpResponseMessage> SendAsync(string json, string? id = null, long? timestamp = null, string? signature = null, string? secret = null)
    {
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var ts = timestamp ?? Now;
        var body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/clerk") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("svix-id", id);
        request.Headers.Add("svix-timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("svix-signature", signature ?? SvixSignature.Sign(secret ?? ClerkFactory.Secret, id, ts, body));
        return await factory.CreateClient().SendAsync(request);
    }

    private static string UserEvent(string type, string clerkId, string email, string status = "verified") => $$$"""
        {"type":"{{{type}}}","object":"event","data":{"id":"{{{clerkId}}}","object":"user","first_name":"Ada","last_name":"L",
         "primary_email_address_id":"idn_2","email_addresses":[
           {"id":"idn_1","email_address":"old-{{{email}}}","verification":{"status":"verified"}},
           {"id":"idn_2","email_address":"{{{email}}}","verification":{"status":"{{{status}}}"}}]}}
        """;

    private static string MembershipEvent(string type, string orgId, string clerkUserId, string role) => $$$"""
        {"type":"{{{type}}}","data":{"id":"orgmem_{{{clerkUserId}}}","role":"{{{role}}}","organization":{"id":"{{{orgId}}}","name":"Org {{{orgId}}}"},
         "public_user_data":{"user_id":"{{{clerkUserId}}}","identifier":"x@example.test"} }}
        """;

    private static async Task<string> ResultAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["result"]!.GetValue<string>();
    }

    private T Get<T>() where T : notnull => factory.Services.GetRequiredService<T>();

    [Fact]
    public async Task UserCreated_NewPerson_UserWithPersonalTenantAsOwner()
    {
        var clerkId = "user_" + Guid.NewGuid().ToString("N");
        var email = $"ada-{Guid.NewGuid():N}@example.test";

        Assert.Equal("created", await ResultAsync(await SendAsync(UserEvent("user.created", clerkId, email))));

        var user = await Get<IAccountStore>().FindUserByEmailAsync(email, default);
        Assert.NotNull(user);
        Assert.Equal(user.Id, await Get<ISsoStore>().FindIdentityAsync("clerk", clerkId, default));
        var tenants = await Get<IMembershipStore>().ListTenantsOfAsync(user.Id, default);
        Assert.Equal(Role.Owner, Assert.Single(tenants).Role);
    }

    [Fact]
    public async Task UserUpdated_ChangesEmail()
    {
        var clerkId = "user_" + Guid.NewGuid().ToString("N");
        var email = $"before-{Guid.NewGuid():N}@example.test";
        await ResultAsync(await SendAsync(UserEvent("user.created", clerkId, email)));
        var after = $"after-{Guid.NewGuid():N}@example.test";

        Assert.Equal("updated", await ResultAsync(await SendAsync(UserEvent("user.updated", clerkId, after))));

        Assert.Null(await Get<IAccountStore>().FindUserByEmailAsync(email, default));
        Assert.NotNull(await Get<IAccountStore>().FindUserByEmailAsync(after, default));
    }

    [Fact]
    public async Task UserCreated_VerifiedEmailOfExistingUser_Linked()
    {
        var existing = await factory.CreateUserAsync("clerk-link-" + Guid.NewGuid().ToString("N"), Role.Editor);
        var clerkId = "user_" + Guid.NewGuid().ToString("N");

        Assert.Equal("linked", await ResultAsync(await SendAsync(UserEvent("user.created", clerkId, existing.Email))));

        Assert.Equal(existing.UserId, await Get<ISsoStore>().FindIdentityAsync("clerk", clerkId, default));
    }

    [Fact]
    public async Task UserDeleted_DisablesUser_SessionsAndKeysStopWorking()
    {
        var person = await factory.CreateUserAsync("clerk-delete-" + Guid.NewGuid().ToString("N"), Role.Owner);
        var clerkId = "user_" + Guid.NewGuid().ToString("N");
        await ResultAsync(await SendAsync(UserEvent("user.created", clerkId, person.Email)));
        Assert.Equal(HttpStatusCode.OK, (await person.Client.GetAsync("/api/flows")).StatusCode);

        Assert.Equal("disabled", await ResultAsync(await SendAsync($$$"""{"type":"user.deleted","data":{"id":"{{{clerkId}}}","deleted":true,"object":"user"}}""")));

        Assert.Equal(HttpStatusCode.Unauthorized, (await person.Client.GetAsync("/api/flows")).StatusCode);
        var login = await factory.CreateClient().PostAsync("/api/auth/login", Json.Body(Json.Serialize(new { email = person.Email, password = TestUser.Password })));
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Organization_AndMemberships_BecomeTenantAndRoles()
    {
        var org = "org_" + Guid.NewGuid().ToString("N");
        var admin = "user_a" + Guid.NewGuid().ToString("N");
        var member = "user_m" + Guid.NewGuid().ToString("N");
        await ResultAsync(await SendAsync(UserEvent("user.created", admin, $"{admin}@example.test")));
        await ResultAsync(await SendAsync(UserEvent("user.created", member, $"{member}@example.test")));

        Assert.Equal("created", await ResultAsync(await SendAsync($$$"""{"type":"organization.created","data":{"id":"{{{org}}}","name":"Acme Org"}}""")));
        Assert.Equal("added", await ResultAsync(await SendAsync(MembershipEvent("organizationMembership.created", org, admin, "org:admin"))));
        Assert.Equal("added", await ResultAsync(await SendAsync(MembershipEvent("organizationMembership.created", org, member, "org:member"))));

        var tenantId = await Get<ISsoStore>().FindTenantLinkAsync("clerk", org, default);
        Assert.NotNull(tenantId);
        var members = await Get<IMembershipStore>().ListMembersAsync(tenantId, default);
        Assert.Equal("Acme Org", members[0].TenantName);
        Assert.Equal(Role.Owner, members.Single(m => m.Email == $"{admin}@example.test").Role); // first member of a new tenant
        Assert.Equal(Role.Editor, members.Single(m => m.Email == $"{member}@example.test").Role);

        Assert.Equal("updated", await ResultAsync(await SendAsync(MembershipEvent("organizationMembership.updated", org, member, "org:admin"))));
        Assert.Equal(Role.Admin, (await Get<IMembershipStore>().ListMembersAsync(tenantId, default)).Single(m => m.Email == $"{member}@example.test").Role);
        Assert.Equal("removed", await ResultAsync(await SendAsync(MembershipEvent("organizationMembership.deleted", org, member, "org:admin"))));
        Assert.Single(await Get<IMembershipStore>().ListMembersAsync(tenantId, default));

        Assert.Equal("updated", await ResultAsync(await SendAsync($$$"""{"type":"organization.updated","data":{"id":"{{{org}}}","name":"Acme Renamed"}}""")));
        Assert.Equal("Acme Renamed", (await Get<IMembershipStore>().ListMembersAsync(tenantId, default))[0].TenantName);
        Assert.Equal("deleted", await ResultAsync(await SendAsync($$$"""{"type":"organization.deleted","data":{"id":"{{{org}}}","deleted":true}}""")));
        Assert.Empty(await Get<IMembershipStore>().ListMembersAsync(tenantId, default));
    }

    [Fact]
    public async Task MembershipBeforeItsUser_409_ThenTheSameSvixIdAppliesOnRetry()
    {
        var org = "org_" + Guid.NewGuid().ToString("N");
        var user = "user_late" + Guid.NewGuid().ToString("N");
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var json = MembershipEvent("organizationMembership.created", org, user, "org:member");

        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(json, id)).StatusCode);
        await ResultAsync(await SendAsync(UserEvent("user.created", user, $"{user}@example.test")));

        Assert.Equal("added", await ResultAsync(await SendAsync(json, id)));
    }

    [Fact]
    public async Task SameSvixId_AppliedOnce()
    {
        var clerkId = "user_" + Guid.NewGuid().ToString("N");
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var email = $"dup-{Guid.NewGuid():N}@example.test";
        Assert.Equal("created", await ResultAsync(await SendAsync(UserEvent("user.created", clerkId, email), id)));

        // A replay of the same delivery, signed afresh, with a changed body: still not applied twice.
        Assert.Equal("duplicate", await ResultAsync(await SendAsync(UserEvent("user.updated", clerkId, "changed-" + email), id)));

        Assert.NotNull(await Get<IAccountStore>().FindUserByEmailAsync(email, default));
    }

    [Fact]
    public async Task SeveralSignatures_OneValid_Accepted()
    {
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var json = UserEvent("user.created", "user_" + Guid.NewGuid().ToString("N"), $"multi-{Guid.NewGuid():N}@example.test");
        var ts = Now;
        var good = SvixSignature.Sign(ClerkFactory.Secret, id, ts, Encoding.UTF8.GetBytes(json));
        var old = SvixSignature.Sign("whsec_" + Convert.ToBase64String(new byte[32]), id, ts, Encoding.UTF8.GetBytes(json));

        Assert.Equal("created", await ResultAsync(await SendAsync(json, id, ts, $"v1,bm90LWEtc2lnbmF0dXJl {old} {good}")));
    }

    public static TheoryData<string> Forgeries => new() { "wrong-secret", "tampered-body", "old-timestamp", "future-timestamp", "no-signature", "v2-scheme" };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Forged_Is401_AndNothingApplied(string forgery)
    {
        var email = $"forged-{Guid.NewGuid():N}@example.test";
        var json = UserEvent("user.created", "user_" + Guid.NewGuid().ToString("N"), email);
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var body = Encoding.UTF8.GetBytes(json);
        var response = forgery switch
        {
            "wrong-secret" => await SendAsync(json, secret: "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("another-secret-entirely-32-bytes"))),
            "tampered-body" => await SendAsync(json.Replace("Ada", "Eve", StringComparison.Ordinal), id, Now, SvixSignature.Sign(ClerkFactory.Secret, id, Now, body)),
            "old-timestamp" => await SendAsync(json, id, Now - 600),
            "future-timestamp" => await SendAsync(json, id, Now + 600),
            "no-signature" => await SendAsync(json, id, Now, ""),
            _ => await SendAsync(json, id, Now, SvixSignature.Sign(ClerkFactory.Secret, id, Now, body).Replace("v1,", "v2,", StringComparison.Ordinal)),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_signature", (await Json.ReadAsync(response))["code"]!.GetValue<string>());
        Assert.Null(await Get<IAccountStore>().FindUserByEmailAsync(email, default));
    }
}
