using Npgsql;

namespace Nextra.Host.Tests.Process;

/// <summary>
/// The one-shot commands on the hosted provider (<c>NEXTRA_STORAGE__PROVIDER=postgres</c>): the real executable
/// migrates, creates users, API keys and tenants in a Postgres database of its own, and writes no SQLite file.
/// </summary>
public sealed class PostgresCliTests : IAsyncLifetime
{
    private readonly string _database = "nextra_cli_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _dataDir = Directory.CreateTempSubdirectory("nextra-pgcli-").FullName;

    private static string? Admin => Environment.GetEnvironmentVariable("NEXTRA_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    private string ConnectionString => new NpgsqlConnectionStringBuilder(Admin) { Database = _database, MaxPoolSize = 5 }.ConnectionString;

    private Dictionary<string, string> Env => new()
    {
        ["NEXTRA_STORAGE__PROVIDER"] = "postgres",
        ["NEXTRA_STORAGE__POSTGRES"] = ConnectionString,
    };

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        NextraProcess.RunWithAsync(Env, [.. args, "--data-dir", _dataDir]);

    [PostgresFact]
    public async Task Cli_OnPostgres_MigrateUserApiKeyTenant()
    {
        // Two instances migrating at once: the advisory lock lets one apply, the other finds nothing left.
        var migrations = await Task.WhenAll(RunAsync("migrate"), RunAsync("migrate"));
        Assert.All(migrations, m => Assert.True(m.Code == 0, m.Stderr + m.Stdout));
        var applied = migrations.SelectMany(m => m.Stdout.Split('\n')).Where(l => l.StartsWith("applied ", StringComparison.Ordinal)).ToList();
        Assert.Contains("applied accounts 0001 0001_create_accounts.sql", applied);
        Assert.Contains("applied triggers 0004 0004_add_claims.sql", applied);
        Assert.Equal(applied.Count, applied.Distinct().Count());
        Assert.Contains(migrations, m => m.Stdout.Contains("up to date", StringComparison.Ordinal));

        var user = await RunAsync("user", "create", "--email", "ada@example.test", "--password", "ada-postgres-pw", "--tenant", "acme");
        Assert.True(user.Code == 0, user.Stderr + user.Stdout);
        Assert.Contains("created user ada@example.test (owner) in tenant 'acme'", user.Stdout);
        var duplicate = await RunAsync("user", "create", "--email", "ada@example.test", "--password", "ada-postgres-pw", "--tenant", "acme");
        Assert.NotEqual(0, duplicate.Code);
        var second = await RunAsync("user", "create", "--email", "bob@example.test", "--password", "bob-postgres-pw", "--tenant", "acme");
        Assert.True(second.Code == 0, second.Stderr + second.Stdout);

        var key = await RunAsync("apikey", "create", "--email", "ada@example.test", "--name", "ci");
        Assert.True(key.Code == 0, key.Stderr + key.Stdout);
        var plaintext = key.Stdout.Trim().Split('\n')[^1].Trim();
        Assert.StartsWith("nxk_", plaintext);

        var tier = await RunAsync("tenant", "set-tier", "--tenant", "acme", "--tier", "pro");
        Assert.True(tier.Code == 0, tier.Stderr + tier.Stdout);
        var list = await RunAsync("tenant", "list");
        Assert.True(list.Code == 0, list.Stderr + list.Stdout);
        var acme = Assert.Single(list.Stdout.Split('\n'), l => l.StartsWith("acme", StringComparison.Ordinal));
        Assert.Equal(["acme", "pro", "2", "0"], acme.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4]);

        // Everything is in Postgres: the rows are there, and no SQLite database was written.
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using (var users = new NpgsqlCommand("SELECT string_agg(u.email, ',' ORDER BY u.email) || '/' || min(t.tier) FROM users u JOIN tenants t ON t.id = u.tenant_id", c))
            Assert.Equal("ada@example.test,bob@example.test/pro", await users.ExecuteScalarAsync());
        await using (var keys = new NpgsqlCommand("SELECT COUNT(*) FROM api_keys WHERE name = 'ci' AND revoked_at IS NULL AND key_hash <> @k", c))
        {
            keys.Parameters.AddWithValue("k", plaintext);
            Assert.Equal(1L, await keys.ExecuteScalarAsync()); // a digest, never the key
        }
        Assert.Empty(Directory.EnumerateFiles(_dataDir, "*.db", SearchOption.AllDirectories));
    }

    public async Task InitializeAsync()
    {
        if (Admin is null) return;
        await using var admin = new NpgsqlConnection(Admin);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", admin);
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
        if (Admin is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Admin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>A test that needs PostgreSQL: skipped (with the reason) when <c>NEXTRA_TEST_POSTGRES</c> is not set; <c>.ci/run</c> sets it.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NEXTRA_TEST_POSTGRES") is not { Length: > 0 }) Skip = "NEXTRA_TEST_POSTGRES is not set (.ci/run starts PostgreSQL and sets it)";
    }
}
