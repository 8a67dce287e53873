using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Accounts;
using Nextra.Modules.Common;

namespace Nextra.Host.Tests;

/// <summary>The real host on a temp data dir (in-memory server), with a cheap password KDF cost.</summary>
public class NextraFactory : WebApplicationFactory<Program>
{
    public const long MaxBodyBytes = 64 * 1024;
    public const int LoginAttemptsPerMinute = 30;

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "nextra-host-test-" + Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production"); // ProblemDetails as users see them, no developer pages
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDir"] = DataDir,
            // A fixture's derived hosts (WithWebHostBuilder) share its directory on purpose, in one process.
            ["Storage:LockDataDir"] = "false",
            ["Accounts:PasswordIterations"] = "1000",
            ["Accounts:LoginAttemptsPerMinute"] = LoginAttemptsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Server:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:Level"] = "Warning",
        }.Concat(ExtraSettings)));
    }

    /// <summary>More configuration for a derived fixture (e.g. tier limits small enough to reach in a test).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [];

    /// <summary>A new user (new tenant unless <paramref name="tenant"/> exists) and a client sending its API key.</summary>
    public async Task<TestUser> CreateUserAsync(string tenant, Role role = Role.Owner, string? email = null)
    {
        using var scope = Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
        email ??= $"{role.ToWire()}-{Guid.NewGuid():N}@example.test";
        var user = await accounts.CreateUserAsync(email, TestUser.Password, tenant, role, CancellationToken.None);
        var (_, key) = await keys.CreateAsync(user.TenantId, user.UserId, "test", CancellationToken.None);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new TestUser(user.UserId, user.TenantId, email, key, client);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

public sealed record TestUser(string UserId, string TenantId, string Email, string ApiKey, HttpClient Client)
{
    public const string Password = "correct horse battery";
}
