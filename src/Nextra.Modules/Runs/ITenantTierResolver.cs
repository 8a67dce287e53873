namespace Nextra.Modules.Runs;

/// <summary>A tenant's tier name (free, paid, pro, enterprise…). Implemented by <see cref="Tiers.ITierLimits"/>.</summary>
public interface ITenantTierResolver
{
    string TierOf(string tenantId);
}
