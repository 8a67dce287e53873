namespace Nextra.Modules.Runs;

/// <summary>Run history settings (section <c>Runs</c>).</summary>
public sealed class RunsOptions
{
    public const string Section = "Runs";

    /// <summary>How often retention runs.</summary>
    public double RetentionIntervalSeconds { get; set; } = 60;
    /// <summary>Runs deleted per transaction, so a retention pass never holds the write lock for long.</summary>
    public int RetentionBatchSize { get; set; } = 500;
}

/// <summary>How long one tenant's runs are kept; comes from its tier (<c>retention_runs_per_flow</c>, <c>retention_days</c>).</summary>
public sealed class RetentionPolicy
{
    public int MaxRunsPerFlow { get; set; } = 1_000;
    public double MaxAgeDays { get; set; } = 7;
}
