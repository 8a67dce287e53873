namespace Nextra.Modules.Alerts;

/// <summary>Alert rules and delivery (section <c>Alerts</c>, TOML <c>[alerts]</c>).</summary>
public sealed class AlertsOptions
{
    public const string Section = "Alerts";

    /// <summary>Seconds between evaluations of every flow this instance runs.</summary>
    public double EvaluationSeconds { get; set; } = 30;
    /// <summary><c>error_rate</c>: the window of finished runs looked at.</summary>
    public double WindowMinutes { get; set; } = 5;
    /// <summary><c>error_rate</c>: fires above this percentage of failed runs…</summary>
    public double ErrorRatePercent { get; set; } = 5;
    /// <summary>…once the window holds at least this many finished runs.</summary>
    public int MinRuns { get; set; } = 20;
    /// <summary><c>memory_pressure</c>: fires above this percentage of a flow's cap, or of the process's limit.</summary>
    public double MemoryPercent { get; set; } = 80;
    /// <summary><c>memory_pressure</c>: the memory cap of one flow's pump (its estimate is compared with it), 256 MiB by default.</summary>
    public long FlowMemoryBytes { get; set; } = 256L * 1024 * 1024;
    /// <summary><c>stuck_flow</c>: queued or active runs and no step finished for this long.</summary>
    public double StuckMinutes { get; set; } = 5;
    /// <summary>Notification attempts before a delivery is given up as failed (backoff doubles from 2 s, at most 5 min).</summary>
    public int DeliveryAttempts { get; set; } = 6;
    /// <summary>Seconds between looks for due notifications.</summary>
    public double DeliveryPollSeconds { get; set; } = 1;
}
