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
