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
        return services;
    }
}
