namespace Nextra.Modules.Runs;

/// <summary>Run history settings (section <c>Runs</c>).</summary>
public sealed class RunsOptions
{
    public const string Section = "Runs";

    /// <summary>Traces database file, relative to the data directory.</summary>
    public string TracesFile { get; set; } = "traces.db";
    /// <summary>Retention by tier; a tenant whose tier is not listed gets <c>free</c>.</summary>
    public Dictionary<string, RetentionPolicy> Retention { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["free"] = new() { MaxRunsPerFlow = 1_000, MaxAgeDays = 7 },
        ["paid"] = new() { MaxRunsPerFlow = 10_000, MaxAgeDays = 30 },
        ["pro"] = new() { MaxRunsPerFlow = 100_000, MaxAgeDays = 90 },
        ["enterprise"] = new() { MaxRunsPerFlow = 1_000_000, MaxAgeDays = 365 },
    };
    /// <summary>How often retention runs.</summary>
    public double RetentionIntervalSeconds { get; set; } = 60;
    /// <summary>Runs deleted per transaction, so a retention pass never holds the write lock for long.</summary>
    public int RetentionBatchSize { get; set; } = 500;
}

public sealed class RetentionPolicy
{
    public int MaxRunsPerFlow { get; set; } = 1_000;
    public double MaxAgeDays { get; set; } = 7;
}
