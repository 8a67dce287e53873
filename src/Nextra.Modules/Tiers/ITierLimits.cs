namespace Nextra.Modules.Tiers;

/// <summary>
/// The limits of a tenant's tier. Every module that enforces a quota asks this. Two
/// implementations: <see cref="ConfiguredTierLimits"/> (every tenant on the default tier; what a
/// module composed without the Tiers module gets) and <see cref="TierService"/> (per-tenant tiers
/// from the tenants table, cached).
/// </summary>
public interface ITierLimits
{
    TiersOptions Options { get; }

    /// <summary>The tenant's limits, refreshing the cached tenant → tier map first when it is older than <c>cache_seconds</c>.</summary>
    ValueTask<TierLimits> ForTenantAsync(string tenantId, CancellationToken ct);

    /// <summary>The tenant's limits from the cached map, no I/O (for timers and synchronous paths; may lag by <c>cache_seconds</c>).</summary>
    TierLimits ForTenant(string tenantId);

    /// <summary>Reloads the cached tenant → tier map when stale; timers call it before a pass that uses <see cref="ForTenant"/>.</summary>
    Task RefreshAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Drops cached tiers here and on every other instance after a tier changed (a new tenant created with a tier).</summary>
    ValueTask InvalidateAsync(CancellationToken ct = default) => ValueTask.CompletedTask;
}

/// <summary>Every tenant on the configured default tier: the registration modules fall back to without the Tiers module.</summary>
internal sealed class ConfiguredTierLimits(TiersOptions options) : ITierLimits
{
    public TiersOptions Options { get; } = options;

    public ValueTask<TierLimits> ForTenantAsync(string tenantId, CancellationToken ct) => new(Options.Default);

    public TierLimits ForTenant(string tenantId) => Options.Default;
}

/// <summary>The tier limits of the configuration alone, for modules and tools that run without the Tiers store.</summary>
public static class ConfiguredTiers
{
    public static ITierLimits From(TiersOptions options) => new ConfiguredTierLimits(options);
}
