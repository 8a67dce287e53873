using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nextra.Modules.Billing.Stores;
using Nextra.Modules.Billing.Stripe;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Billing;

/// <summary>
/// Billing (<c>[billing]</c>): Stripe Checkout and portal, the signed Stripe webhook, tiers that follow the
/// subscription, metered executions reported to Stripe. Off (<c>provider = "none"</c>) by default: then
/// <c>GET /api/billing</c> says so and the webhook is 404.
/// </summary>
public static class BillingModule
{
    public static IServiceCollection AddBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddTiers(configuration);
        services.AddMigrations("billing", typeof(BillingModule).Assembly, after: "accounts");
        services.TryAddSingleton(_ => BillingOptions.From(configuration));
        services.AddStore<IBillingStore, SqliteBillingStore, PostgresBillingStore>();
        services.TryAddSingleton<BillingTiers>();
        services.TryAddSingleton<BillingEventHandler>();
        services.TryAddSingleton<BillingService>();
        // One client for the process; connections recycled so a DNS change of api.stripe.com is picked up.
        services.TryAddSingleton(sp => new StripeClient(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) },
            sp.GetRequiredService<BillingOptions>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<StripeClient>>()));
        services.AddHostedService<GraceSweeper>();
        services.TryAddSingleton<MeterReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<MeterReporter>());
        services.AddHostedService<BillingConfigCheck>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(BillingJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapBilling(this IEndpointRouteBuilder app)
    {
        BillingEndpoints.Map(app);
        return app;
    }
}
