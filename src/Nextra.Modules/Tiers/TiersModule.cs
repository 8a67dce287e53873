using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers.Stores;

namespace Nextra.Modules.Tiers;

/// <summary>
/// Tiers as data (config section <c>Tiers</c>) and per-tenant tiers (tenants.tier). Modules that
/// enforce a quota call <see cref="AddTierDefaults"/> (every tenant on the default tier, no database);
/// the composition root calls <see cref="AddTiers"/> for per-tenant tiers and <c>GET /api/usage</c>.
/// </summary>
public static class TiersModule
{
    /// <summary>The options and a config-only <see cref="ITierLimits"/>, unless already registered. Idempotent.</summary>
    public static IServiceCollection AddTierDefaults(this IServiceCollection services, IConfiguration configuration)
    {
        // Read lazily: the host adds its configuration sources (tests' too) after modules register.
        services.TryAddSingleton(_ => TiersOptions.From(configuration));
        services.TryAddSingleton<ITierLimits>(sp => new ConfiguredTierLimits(sp.GetRequiredService<TiersOptions>()));
        // Embedded default; hosted mode adds the Redis-backed counter (the last registration wins).
        services.TryAddSingleton<IQuotaCounter, InProcessQuotaCounter>();
        services.TryAddSingleton<ExecutionMeter>();
        services.TryAddSingleton<IExecutionMeter>(sp => sp.GetRequiredService<ExecutionMeter>());
        // Without the Tiers module's database (a module composed alone) usage is not metered; AddTiers replaces this.
        services.TryAddSingleton<IUsageMeter, NoUsageMeter>();
        return services;
    }

    /// <summary>Per-tenant tiers from the tenants table (migrated by Accounts), the usage API, and a start-up check of the tier config.</summary>
    public static IServiceCollection AddTiers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddTierDefaults(configuration);
        services.AddStore<ITenantTierStore, SqliteTenantTierStore, PostgresTenantTierStore>();
        services.AddMigrations("tiers", typeof(TiersModule).Assembly, after: "accounts");
        services.AddStore<IUsageStore, SqliteUsageStore, PostgresUsageStore>();
        services.AddSingleton<IUsageMeter, UsageMeter>(); // added, not tried: wins over AddTierDefaults' NoUsageMeter
        services.TryAddSingleton(sp => new TierService(sp.GetRequiredService<ITenantTierStore>(), sp.GetRequiredService<TiersOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ICacheInvalidator>(), sp.GetRequiredService<ILogger<TierService>>(),
            sp.GetServices<ITierChangeHandler>()));
        // Added, not tried: it wins over AddTierDefaults' config-only limits whichever module registers first.
        services.AddSingleton<ITierLimits>(sp => sp.GetRequiredService<TierService>());
        services.TryAddSingleton<ITierAssignment>(sp => sp.GetRequiredService<TierService>());
        services.AddStartupCheck<TiersOptions>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(TiersJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapTiers(this IEndpointRouteBuilder app)
    {
        UsageEndpoints.Map(app);
        return app;
    }
}
