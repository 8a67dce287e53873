namespace Nextra.Modules.Runs;

/// <summary>Run history settings (section <c>Runs</c>).</summary>
public sealed class RunsOptions
{
    public const string Section = "Runs";

    /// <summary>How often retention runs.</summary>
    public double RetentionIntervalSeconds { get; set; } = 60;
    /// <summary>Runs deleted per transaction, so a retention pass never holds the write lock for long.</summary>
    public int RetentionBatchSize { get; set; } = 500;
    /// <summary>
    /// <c>max_disk_mb</c>: the server-wide disk budget of the run history (<c>traces.db</c>; the trace tables on Postgres).
    /// Past it, the oldest runs of any flow are deleted until the history is under 90 % of it. 0 = no budget.
    /// </summary>
    public double MaxDiskMb { get; set; } = 1024;
    /// <summary>
    /// <c>max_runs_per_flow</c>: a ceiling on every tier's <c>retention_runs_per_flow</c> (the lower wins), so a
    /// self-hosted server on the default tier keeps 10,000 runs per flow, not a million. 0 = the tier decides.
    /// </summary>
    public long MaxRunsPerFlow { get; set; } = 10_000;
    /// <summary><c>max_age_days</c>: a ceiling on every tier's <c>retention_days</c> (the lower wins). 0 = the tier decides.</summary>
    public double MaxAgeDays { get; set; } = 30;

    /// <summary>A tier's retention under this server's ceilings.</summary>
    public Tiers.RetentionPolicy Cap(Tiers.RetentionPolicy tier) => new()
    {
        MaxRunsPerFlow = MaxRunsPerFlow > 0 ? (int)Math.Min(tier.MaxRunsPerFlow, MaxRunsPerFlow) : tier.MaxRunsPerFlow,
        MaxAgeDays = MaxAgeDays > 0 ? Math.Min(tier.MaxAgeDays, MaxAgeDays) : tier.MaxAgeDays,
    };

    /// <summary>The disk budget in bytes, or 0 for none.</summary>
    public long MaxDiskBytes => MaxDiskMb > 0 ? (long)(MaxDiskMb * 1024 * 1024) : 0;
}
