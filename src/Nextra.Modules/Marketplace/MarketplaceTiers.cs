using Nextra.Modules.Tiers;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// The seed's tier table for the marketplace: free uses built-in handlers and flow templates only; paid and up install tools;
/// pro and up publish tools; enterprise publishes private listings. An operator-defined tier is placed by its limits: it may
/// install and publish tools when it allows code blocks, and publishes private listings only when it is unlimited in modules.
/// </summary>
internal static class MarketplaceTiers
{
    private static int Rank(TierLimits tier) => tier.Name switch
    {
        "free" => 0,
        "paid" => 1,
        "pro" => 2,
        "enterprise" => 3,
        _ => !tier.AllowsCode ? 0 : tier.WasmModules is null ? 3 : 2,
    };

    public static void RequireInstallTools(TierLimits tier)
    {
        if (Rank(tier) < 1) throw MarketplaceErrors.Tier("Installing marketplace tools", "paid", tier.Name);
    }

    public static void RequirePublishTools(TierLimits tier)
    {
        if (Rank(tier) < 2) throw MarketplaceErrors.Tier("Publishing tools", "pro", tier.Name);
    }

    public static void RequirePrivateListings(TierLimits tier)
    {
        if (Rank(tier) < 3) throw MarketplaceErrors.Tier("Private listings", "enterprise", tier.Name);
    }
}
