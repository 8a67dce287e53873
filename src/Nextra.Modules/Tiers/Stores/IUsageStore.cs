namespace Nextra.Modules.Tiers.Stores;

/// <summary>The <c>usage_months</c> table: per tenant per UTC month, added to atomically.</summary>
internal interface IUsageStore
{
    Task AddAsync(string tenantId, string period, UsageDelta delta, CancellationToken ct);

    /// <summary>The tenant's months from <paramref name="fromPeriod"/> to <paramref name="toPeriod"/> (inclusive) that have a row.</summary>
    Task<IReadOnlyList<UsageMonth>> RangeAsync(string tenantId, string fromPeriod, string toPeriod, CancellationToken ct);
}
