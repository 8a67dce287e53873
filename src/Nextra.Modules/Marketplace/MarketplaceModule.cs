using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nextra.Modules.Common;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Storage;
using Nextra.Modules.WasmModules;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// The marketplace: signed tools and flow templates, permission manifests, search, installs, votes, private listings and the
/// built-in starter catalogue. Register after AddFlows, AddSecrets and AddWasmModules. Config section <c>[marketplace]</c>.
/// </summary>
public static class MarketplaceModule
{
    public static IServiceCollection AddMarketplace(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<MarketplaceOptions>().Bind(configuration.GetSection(MarketplaceOptions.Section))
            .Validate(o => o.Review is "auto" or "manual", "[marketplace] review is \"auto\" or \"manual\"")
            .Validate(o => o.TrustedKeys.All(k => IsKey(k)), "[marketplace] trusted_keys holds base64 Ed25519 public keys (32 bytes)")
            .Validate(o => o.Revoked.All(r => MarketplaceRegistry.ParseTarget(r) is not null),
                "[marketplace] revoked holds key:KEYID, sha256:DIGEST or publisher/name@VERSION (or @*) entries")
            .Validate(o => o.MinVoterAgeDays is >= 0 and <= 365, "[marketplace] min_voter_age_days is 0-365")
            .Validate(o => o.StagedUpdateHours is >= 0 and <= 24 * 90, "[marketplace] staged_update_hours is 0-2160")
            .Validate(o => o.StagedUpdateFailureRise is >= 0 and <= 1, "[marketplace] staged_update_failure_rise is 0-1")
            .Validate(o => o.StagedUpdateMinRuns >= 1, "[marketplace] staged_update_min_runs is at least 1")
            .ValidateOnStart();
        services.AddMigrations("marketplace", typeof(MarketplaceModule).Assembly, after: "accounts");
        services.TryAddSingleton(TimeProvider.System);
        services.AddStore<IMarketplaceStore, SqliteMarketplaceStore, PostgresMarketplaceStore>();
        services.AddStore<IPublisherKeyStore, SqlitePublisherKeyStore, PostgresPublisherKeyStore>();
        services.AddStore<IRolloutStore, SqliteRolloutStore, PostgresRolloutStore>();
        services.TryAddSingleton<PublisherKeyService>();
        services.TryAddSingleton<MarketplaceVersions>();
        services.TryAddSingleton<StagedUpdates>();
        services.TryAddSingleton<MarketplaceKeys>();
        services.TryAddSingleton<PackageVerifier>();
        services.TryAddSingleton(sp => new MarketplaceRegistry(sp.GetRequiredService<IMarketplaceStore>(), sp.GetRequiredService<MarketplaceKeys>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MarketplaceOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<MarketplaceService>();
        services.TryAddSingleton<MarketplaceCatalog>();
        services.TryAddSingleton<MarketplaceInstalls>();
        services.TryAddSingleton<TemplateFlows>();
        services.AddSingleton<Flows.IFlowStartCheck>(sp => sp.GetRequiredService<TemplateFlows>());
        services.AddSingleton<Flows.IFlowChangeHandler>(sp => sp.GetRequiredService<TemplateFlows>());
        services.TryAddSingleton(sp => new MarketplaceReview(sp.GetRequiredService<IMarketplaceStore>(), sp.GetRequiredService<MarketplaceService>()));
        services.AddSingleton<IExternalModuleSource, ToolModuleSource>();
        services.AddHostedService<HeldVoteSweeper>();
        services.AddHostedService<StagedUpdateService>();
        // After the migrations' hosted service (registered by AddStorage, earlier): a fresh install shows the starter catalogue.
        services.TryAddSingleton<Starter.StarterSeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<Starter.StarterSeeder>());
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(MarketplaceJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapMarketplace(this IEndpointRouteBuilder app)
    {
        MarketplaceEndpoints.Map(app);
        return app;
    }

    private static bool IsKey(string text)
    {
        try
        {
            return Convert.FromBase64String(text.Trim()).Length == 32;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
