using Nextra.Modules.Common;

namespace Nextra.Modules.Tiers;

/// <summary>How long one tenant's runs are kept; comes from its tier (<c>retention_runs_per_flow</c>, <c>retention_days</c>).</summary>
[ModuleContract("how long a tenant's traces are kept, applied by the trace store")]
public sealed class RetentionPolicy
{
    public int MaxRunsPerFlow { get; set; } = 1_000;
    public double MaxAgeDays { get; set; } = 7;
}
