using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;
using Npgsql;

namespace Nextra.Modules.Tests.Storage;

/// <summary>
/// The storage stack of one provider with the modules a contract test needs, migrated: SQLite in a temp data
/// directory, or Postgres in a database of its own on <c>NEXTRA_TEST_POSTGRES</c> (created here, dropped on dispose).
/// </summary>
public sealed class StoreHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly TempDataDir _dir;
    private readonly string? _database;

    private StoreHarness(ServiceProvider services, TempDataDir dir, string? database)
    {
        _services = services;
        _dir = dir;
        _database = database;
    }

    public string Provider { get; private init; } = StorageProviders.Sqlite;

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>
    /// Makes <paramref name="fence"/> the current lease of its partition (Postgres: the <c>partition_leases</c> row the
    /// hosted stores fence writes against; SQLite: nothing, one embedded server holds every partition).
    /// </summary>
    public async Task LeaseAsync(LeaseFence fence)
    {
        if (Provider != StorageProviders.Postgres) return;
        await using var c = await Get<IPostgresConnectionFactory>().OpenAsync();
        await c.ExecAsync(null, """
            INSERT INTO partition_leases(partition, owner, epoch, acquired_at, expires_at) VALUES (@p, @o, @e, now(), now() + interval '1 hour')
            ON CONFLICT (partition) DO UPDATE SET owner = excluded.owner, epoch = excluded.epoch, acquired_at = now(), expires_at = excluded.expires_at
            """, CancellationToken.None, ("p", fence.Partition), ("o", fence.Owner), ("e", fence.Epoch));
    }

    /// <summary>Composes <paramref name="register"/> on the provider and applies every registered migration.</summary>
    public static async Task<StoreHarness> CreateAsync(string provider, Action<IServiceCollection, IConfiguration> register, TimeProvider? time = null)
    {
        var dir = new TempDataDir();
        string? database = null;
        var settings = new Dictionary<string, string?> { ["Storage:DataDir"] = dir.Path, ["Storage:Provider"] = provider };
        if (provider == StorageProviders.Postgres)
        {
            database = "nextra_test_" + Guid.NewGuid().ToString("N")[..12];
            await using (var admin = new NpgsqlConnection(PostgresFactAttribute.ConnectionString))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
                await create.ExecuteNonQueryAsync();
            }
            settings["Storage:Postgres"] = new NpgsqlConnectionStringBuilder(PostgresFactAttribute.ConnectionString) { Database = database, MaxPoolSize = 10 }.ConnectionString;
        }
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(config);
        if (time is not null) services.AddSingleton(time);
        services.AddNextraCommon();
        services.AddStorage(config);
        register(services, config);
        var provider_ = services.BuildServiceProvider();
        await provider_.GetRequiredService<IMigrationRunner>().ApplyAsync();
        return new StoreHarness(provider_, dir, database) { Provider = provider };
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _dir.Dispose();
        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresFactAttribute.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>A test that needs PostgreSQL: skipped (with the reason) when <c>NEXTRA_TEST_POSTGRES</c> is not set; <c>.ci/run</c> sets it.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("NEXTRA_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    public PostgresFactAttribute()
    {
        if (ConnectionString is null) Skip = "NEXTRA_TEST_POSTGRES is not set (.ci/run starts PostgreSQL and sets it)";
    }
}
