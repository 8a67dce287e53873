using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

[module: Dapper.DapperAot]

namespace Nextra.Modules.Storage;

/// <summary>Connection factory and migration runner; call before any module's AddX.</summary>
public static class StorageModule
{
    /// <summary>
    /// Registers <see cref="ISqliteConnectionFactory"/>, <see cref="IMigrationRunner"/> and a hosted
    /// service that applies pending migrations before the server listens.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDir), "Storage:DataDir must be set")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISqliteConnectionFactory, SqliteConnectionFactory>();
        services.TryAddSingleton<IMigrationRunner, MigrationRunner>();
        services.AddHostedService<MigrationHostedService>();
        return services;
    }
}
