namespace Nextra.Modules.Runs;

/// <summary>A tenant's tier (free, paid, pro, enterprise) for retention. Billing replaces the default.</summary>
public interface ITenantTierResolver
{
    string TierOf(string tenantId);
}

/// <summary>Every tenant on <c>free</c> until the Billing module says otherwise.</summary>
internal sealed class FreeTierResolver : ITenantTierResolver
{
    public string TierOf(string tenantId) => "free";
}
