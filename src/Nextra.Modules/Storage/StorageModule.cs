using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

[module: Dapper.DapperAot]

namespace Nextra.Modules.Storage;

/// <summary>
/// The one storage stack: connection factories (SQLite files or one Postgres database, chosen by
/// <c>[storage] provider</c>), the migration runner for every database, group-commit writers, the data-directory
/// lock, and backups.
/// </summary>
public static class StorageModule
{
    /// <summary>
    /// Registers the factories, <see cref="IMigrationRunner"/> and the hosted services that (in this order) take the
    /// data-directory lock and apply pending migrations before the server listens. Order of AddX calls does not
    /// matter: hosted services of this module are inserted ahead of every other.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDir), "storage.data_dir must be set")
            .Validate(o => o.IsPostgres || string.Equals(o.Provider, StorageProviders.Sqlite, StringComparison.OrdinalIgnoreCase),
                "storage.provider must be \"sqlite\" or \"postgres\"")
            .Validate(o => !o.IsPostgres || !string.IsNullOrWhiteSpace(o.Postgres),
                "storage.provider is \"postgres\": set storage.postgres (NEXTRA_STORAGE__POSTGRES) to an Npgsql connection string")
            .Validate(o => o.BackupIntervalHours >= 0 && o.BackupKeep >= 1, "storage.backup_interval_hours must be >= 0 and backup_keep >= 1")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISqliteConnectionFactory, SqliteConnectionFactory>();
        services.TryAddSingleton<IPostgresConnectionFactory, PostgresConnectionFactory>();
        services.TryAddSingleton<SqliteBatchWriters>();
        services.TryAddSingleton<SqliteMigrationRunner>();
        services.TryAddSingleton<PostgresMigrationRunner>();
        services.TryAddSingleton<IMigrationRunner>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.IsPostgres
            ? sp.GetRequiredService<PostgresMigrationRunner>()
            : sp.GetRequiredService<SqliteMigrationRunner>());
        services.TryAddSingleton<BackupArchive>();
        services.TryAddSingleton<BackupService>();
        // Lock, then migrations, ahead of every other module's hosted services whatever the registration order.
        services.Insert(0, ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, MigrationHostedService>());
        services.Insert(0, ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, DataDirLockService>());
        services.AddHostedService(sp => sp.GetRequiredService<BackupService>());
        return services;
    }
}
