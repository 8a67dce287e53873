using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Secrets.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Secrets;

/// <summary>Tenant secrets: API, encryption at rest, and the resolver flows read them through.</summary>
public static class SecretsModule
{
    public static IServiceCollection AddSecrets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<SecretsOptions>()
            .Bind(configuration.GetSection(SecretsOptions.Section))
            .Validate(o => o.MaxValueBytes > 0, "Secrets:MaxValueBytes must be positive")
            .ValidateOnStart();
        // After accounts: secrets reference tenants.
        services.AddMigrations("secrets", typeof(SecretsModule).Assembly, after: "accounts");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SecretCipher(SecretKeyLoader.Load(
            sp.GetRequiredService<IOptions<SecretsOptions>>().Value, sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDir)));
        // A backup without the key could not decrypt a single secret it holds.
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SecretsOptions>>().Value;
            var dataDir = sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDir;
            return new BackupFile("secrets.key", Path.IsPathRooted(o.KeyFile) ? o.KeyFile : Path.Combine(dataDir, o.KeyFile));
        });
        services.AddStore<ISecretStore, SqliteSecretStore, PostgresSecretStore>();
        services.TryAddSingleton<SecretService>();
        services.TryAddSingleton<ISecretList>(sp => sp.GetRequiredService<SecretService>());
        services.TryAddSingleton<ISecretResolverFactory, SecretResolverFactory>();
        services.TryAddSingleton<ISecretCipher>(sp => sp.GetRequiredService<SecretCipher>());
        services.AddStartupCheck<SecretCipher>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(SecretsJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapSecrets(this IEndpointRouteBuilder app)
    {
        SecretsEndpoints.Map(app);
        return app;
    }
}
