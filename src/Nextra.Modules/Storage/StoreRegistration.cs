using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Nextra.Modules.Storage;

/// <summary>
/// The one switch between the embedded and the hosted storage: a module registers each store with both
/// implementations, and <c>[storage] provider</c> picks one when the store is first resolved. Registrations use
/// TryAdd, so a test can put its own store in first.
/// </summary>
public static class StoreRegistration
{
    public static IServiceCollection AddStore<TService,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSqlite,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TPostgres>(this IServiceCollection services)
        where TService : class
        where TSqlite : class, TService
        where TPostgres : class, TService
    {
        services.TryAddSingleton<TSqlite>();
        services.TryAddSingleton<TPostgres>();
        services.TryAddSingleton<TService>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.IsPostgres
            ? sp.GetRequiredService<TPostgres>()
            : sp.GetRequiredService<TSqlite>());
        return services;
    }

    /// <summary>A store that has only its SQLite implementation so far: the Postgres provider refuses to start with it.</summary>
    public static IServiceCollection AddSqliteOnlyStore<TService,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSqlite>(this IServiceCollection services)
        where TService : class
        where TSqlite : class, TService
    {
        services.TryAddSingleton<TSqlite>();
        services.TryAddSingleton<TService>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.IsPostgres
            ? throw new InvalidOperationException($"{typeof(TService).Name} has no Postgres implementation yet; use storage.provider = \"sqlite\".")
            : sp.GetRequiredService<TSqlite>());
        return services;
    }
}
