namespace Nextra.Modules.Tiers.Stores;

// Store rows: mutable classes because Dapper.AOT materialises through setters.

internal sealed class TenantTierRow
{
    public string Id { get; set; } = "";
    public string? Tier { get; set; }
}

/// <summary>One line of <c>nextra tenant list</c>.</summary>
public sealed class TenantSummaryRow
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Tier { get; set; }
    public long Users { get; set; }
    public long Flows { get; set; }
}

internal sealed class UsageCountsRow
{
    public long Flows { get; set; }
    public long Members { get; set; }
    public long Modules { get; set; }
}
