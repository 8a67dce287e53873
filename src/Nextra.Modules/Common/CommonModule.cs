using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Nextra.Modules.Common;

/// <summary>Services every module may depend on.</summary>
public static class CommonModule
{
    public static IServiceCollection AddNextraCommon(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<ICurrentUser, CurrentUser>();
        // Embedded defaults of the shared seams (TryAdd). Hosted mode Adds its Redis implementations when [redis] is
        // configured; the last registration wins, so the order of AddX calls does not matter either way.
        services.TryAddSingleton<IRateLimiter, InProcessRateLimiter>();
        services.TryAddSingleton<ICacheInvalidator, InProcessCacheInvalidator>();
        return services;
    }
}
