namespace Nextra.Modules.Tiers;

/// <summary>Tier limits plus assigning a tenant's tier: what billing needs when a subscription changes.</summary>
public interface ITierAssignment : ITierLimits
{
    /// <summary>Sets the tier of the tenant named (or with the id) <paramref name="tenant"/>; null or "default" clears it. Returns the tenant's id.</summary>
    Task<string> SetTierAsync(string tenant, string? tier, CancellationToken ct);

    /// <summary>Whether a tenant with this id exists.</summary>
    Task<bool> TenantExistsAsync(string tenantId, CancellationToken ct);
}
