using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Nextra.Modules.Common;

/// <summary>
/// Builds a service when the server starts rather than on the first request that needs it, so a bad setting (an
/// unreadable secrets key, a typo in <c>[tiers]</c>) stops the server with its message. One hosted service per type.
/// </summary>
public static class StartupCheck
{
    public static IServiceCollection AddStartupCheck<T>(this IServiceCollection services) where T : class
    {
        services.AddHostedService<ResolveOnStart<T>>();
        return services;
    }

    /// <summary>Its constructor is the check: the host builds hosted services before it starts them.</summary>
    private sealed class ResolveOnStart<T>(T service) : IHostedService where T : class
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(service);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
