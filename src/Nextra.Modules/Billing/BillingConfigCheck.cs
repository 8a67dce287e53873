using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Billing;

/// <summary>Reads <c>[billing]</c> when the server starts, so a typo or a plan for a tier that does not exist stops it with the key named.</summary>
internal sealed class BillingConfigCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<BillingOptions>();
        var tiers = services.GetRequiredService<TiersOptions>();
        foreach (var plan in options.Plans.Values)
        {
            if (tiers.Find(plan.Tier) is null)
                throw new InvalidOperationException($"[billing.plans.{plan.Tier}] names a tier that does not exist. Tiers: {string.Join(", ", tiers.Tiers.Keys.Order())}.");
        }
        if (options.Enabled && tiers.Find(options.FreeTier) is null)
            throw new InvalidOperationException($"Billing:FreeTier = '{options.FreeTier}' is not a tier. Tiers: {string.Join(", ", tiers.Tiers.Keys.Order())}.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
