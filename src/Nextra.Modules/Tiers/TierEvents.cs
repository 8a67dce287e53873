namespace Nextra.Modules.Tiers;

/// <summary>
/// A tenant's tier was set (<see cref="TierService.SetTierAsync"/>: the billing webhook, the grace sweep, the CLI).
/// Published in-process after the change committed; <see cref="Before"/> is the tier the tenant had as this instance
/// knew it, <see cref="After"/> the one it has now (the same when the tier was set again unchanged).
/// </summary>
public sealed record TierChanged(string TenantId, TierLimits Before, TierLimits After)
{
    /// <summary>True when the new tier runs fewer flows than the old one (or than unlimited).</summary>
    public bool FewerFlows => After.Flows is { } after && (Before.Flows is not { } before || after < before);
}

/// <summary>
/// Reacts to a tier change (the orchestration stops flows above a lower tier's <c>flows</c>). Called in turn after
/// the change committed, before <see cref="TierService.SetTierAsync"/> returns; an exception is logged and does not
/// undo the change. A handler must be idempotent: a tier set again unchanged is published again.
/// </summary>
public interface ITierChangeHandler
{
    Task OnTierChangedAsync(TierChanged change, CancellationToken ct);
}
