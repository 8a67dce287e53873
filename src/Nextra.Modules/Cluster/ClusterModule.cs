using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Engine;
using Nextra.Modules.Observability;
using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Cluster;

/// <summary>
/// The one switch of the shared seams: with <c>[redis] configuration</c> set, the run signals, cache invalidations,
/// rate limits, quota counters, live events and the engine's shared state go through Redis (every instance sees
/// them); without it they stay in this process. The choice is made when each seam is first resolved, from the
/// options, and these registrations are Added (not tried), so they win over the owning modules' in-process defaults
/// whatever order the modules are registered in.
/// </summary>
public static class ClusterModule
{
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<RedisOptions>().Bind(configuration.GetSection(RedisOptions.Section))
            .Validate(o => o.StateTtlHours >= 1, "redis.state_ttl_hours must be at least 1")
            .ValidateOnStart();
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<RedisRunSignals>();
        services.TryAddSingleton<RedisCacheInvalidator>();
        services.TryAddSingleton<RedisRateLimiter>();
        services.TryAddSingleton<RedisQuotaCounter>();
        services.TryAddSingleton<RedisLiveEvents>();
        services.TryAddSingleton<RedisSharedStateProvider>();
        services.TryAddSingleton<InProcessRunSignals>();
        services.TryAddSingleton<InProcessCacheInvalidator>();
        services.TryAddSingleton<InProcessRateLimiter>();
        services.TryAddSingleton<InProcessQuotaCounter>();
        services.TryAddSingleton<LiveEventBus>();
        services.TryAddSingleton<InMemorySharedStateProvider>();
        services.AddSingleton<IRunSignals>(sp => Redis(sp) ? sp.GetRequiredService<RedisRunSignals>() : sp.GetRequiredService<InProcessRunSignals>());
        services.AddSingleton<ICacheInvalidator>(sp => Redis(sp) ? sp.GetRequiredService<RedisCacheInvalidator>() : sp.GetRequiredService<InProcessCacheInvalidator>());
        services.AddSingleton<IRateLimiter>(sp => Redis(sp) ? sp.GetRequiredService<RedisRateLimiter>() : sp.GetRequiredService<InProcessRateLimiter>());
        services.AddSingleton<IQuotaCounter>(sp => Redis(sp) ? sp.GetRequiredService<RedisQuotaCounter>() : sp.GetRequiredService<InProcessQuotaCounter>());
        services.AddSingleton<ILiveEvents>(sp => Redis(sp) ? sp.GetRequiredService<RedisLiveEvents>() : sp.GetRequiredService<LiveEventBus>());
        services.AddSingleton<ISharedStateProvider>(sp => Redis(sp) ? sp.GetRequiredService<RedisSharedStateProvider>() : sp.GetRequiredService<InMemorySharedStateProvider>());
        return services;
    }

    private static bool Redis(IServiceProvider sp) => sp.GetRequiredService<IOptions<RedisOptions>>().Value.Enabled;
}
