using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Common;
using Nextra.Modules.Secrets;

namespace Nextra.Host.Tests.Api;

/// <summary>The Secrets rows of docs/api.md: write-only values, tenant scoping, encryption at rest, the flow resolver.</summary>
public sealed class SecretsApiTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private static StringContent Value(string value) => new(Json.Serialize(new { value }), Encoding.UTF8, "application/json");

    private async Task<TestUser> UserAsync(Role role = Role.Owner, string? tenant = null) =>
        await factory.CreateUserAsync(tenant ?? "sec-" + Guid.NewGuid().ToString("N"), role);

    [Fact]
    public async Task Put_ThenList_ShowsNameAndTimeButNeverTheValue()
    {
        var user = await UserAsync();
        var put = await user.Client.PutAsync("/api/secrets/OPENAI_API_KEY", Value("sk-live-visible-nowhere"));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

        var response = await user.Client.GetAsync("/api/secrets");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("sk-live", text, StringComparison.Ordinal);
        var item = Assert.Single(JsonNode.Parse(text)!.AsArray())!.AsObject();
        Assert.Equal("OPENAI_API_KEY", item["name"]!.GetValue<string>());
        Assert.True(item["updatedAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal(["name", "updatedAt"], item.Select(p => p.Key).ToArray());
    }

    [Fact]
    public async Task Put_Twice_ReplacesTheValue()
    {
        var user = await UserAsync();
        await user.Client.PutAsync("/api/secrets/TOKEN", Value("one"));
        await user.Client.PutAsync("/api/secrets/TOKEN", Value("two"));
        Assert.Single((await user.Client.GetFromJsonAsync<JsonArray>("/api/secrets"))!);
        Assert.Equal("two", await ResolveAsync(user.TenantId, "TOKEN"));
    }

    [Theory]
    [InlineData("/api/secrets/bad%20name", "{\"value\":\"x\"}")]
    [InlineData("/api/secrets/1starts-with-digit", "{\"value\":\"x\"}")]
    [InlineData("/api/secrets/EMPTY", "{\"value\":\"\"}")]
    [InlineData("/api/secrets/MISSING", "{}")]
    public async Task Put_InvalidNameOrValue_Is422(string url, string body)
    {
        var user = await UserAsync();
        var response = await user.Client.PutAsync(url, Json.Body(body));
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Equal("validation_failed", (await Json.ReadAsync(response))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_ExistingThenAgain_Is204Then404()
    {
        var user = await UserAsync();
        await user.Client.PutAsync("/api/secrets/GONE", Value("bye"));
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync("/api/secrets/GONE")).StatusCode);
        var again = await user.Client.DeleteAsync("/api/secrets/GONE");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("not_found", (await Json.ReadAsync(again))["code"]!.GetValue<string>());
        Assert.Null(await ResolveAsync(user.TenantId, "GONE"));
    }

    [Fact]
    public async Task OtherTenant_NeitherSeesNorReadsNorDeletes()
    {
        var a = await UserAsync();
        var b = await UserAsync();
        await a.Client.PutAsync("/api/secrets/SHARED_NAME", Value("a-only"));

        Assert.Empty((await b.Client.GetFromJsonAsync<JsonArray>("/api/secrets"))!);
        Assert.Equal(HttpStatusCode.NotFound, (await b.Client.DeleteAsync("/api/secrets/SHARED_NAME")).StatusCode);
        Assert.Null(await ResolveAsync(b.TenantId, "SHARED_NAME"));
        Assert.Equal("a-only", await ResolveAsync(a.TenantId, "SHARED_NAME"));

        await b.Client.PutAsync("/api/secrets/SHARED_NAME", Value("b-only"));
        Assert.Equal("a-only", await ResolveAsync(a.TenantId, "SHARED_NAME"));
        Assert.Equal("b-only", await ResolveAsync(b.TenantId, "SHARED_NAME"));
    }

    [Fact]
    public async Task ViewerAndEditor_ListButCannotWrite_AdminWrites()
    {
        var tenant = "sec-view-" + Guid.NewGuid().ToString("N");
        var admin = await UserAsync(Role.Admin, tenant);
        var editor = await UserAsync(Role.Editor, tenant);
        var viewer = await UserAsync(Role.Viewer, tenant);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.PutAsync("/api/secrets/VISIBLE", Value("v"))).StatusCode);
        Assert.Single((await viewer.Client.GetFromJsonAsync<JsonArray>("/api/secrets"))!);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.Client.PutAsync("/api/secrets/VISIBLE", Value("w"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.Client.PutAsync("/api/secrets/VISIBLE", Value("w"))).StatusCode); // secrets are an admin's
        Assert.Equal("v", await ResolveAsync(admin.TenantId, "VISIBLE"));
    }

    [Fact]
    public async Task StoredValue_IsEncryptedAtRestWithGeneratedKey()
    {
        var user = await UserAsync();
        const string plain = "plain-text-must-not-be-on-disk";
        await user.Client.PutAsync("/api/secrets/DISK", Value(plain));
        Assert.True(File.Exists(Path.Combine(factory.DataDir, "secrets.key")));

        await using var conn = new SqliteConnection($"Data Source={Path.Combine(factory.DataDir, "nextra.db")};Mode=ReadOnly");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT value FROM secrets WHERE tenant_id = $t AND name = 'DISK'";
        cmd.Parameters.AddWithValue("$t", user.TenantId);
        var blob = (byte[])(await cmd.ExecuteScalarAsync())!;
        Assert.True(blob.Length > plain.Length);
        Assert.DoesNotContain(plain, Encoding.UTF8.GetString(blob), StringComparison.Ordinal);
    }

    private async Task<string?> ResolveAsync(string tenantId, string name) =>
        await factory.Services.GetRequiredService<ISecretResolverFactory>().For(tenantId).GetAsync(name, CancellationToken.None);
}
