namespace Nextra.Modules.Orchestration;

/// <summary>Pump lifecycle settings (section <c>Orchestration</c>).</summary>
public sealed class OrchestrationOptions
{
    public const string Section = "Orchestration";

    /// <summary>How often idle flows are looked for. How long a flow may idle is its tenant's tier's <c>idle_stop_minutes</c>.</summary>
    public double IdleCheckSeconds { get; set; } = 30;
    /// <summary>On stop or shutdown, how long in-flight runs may finish before they are cancelled.</summary>
    public double DrainSeconds { get; set; } = 10;
    /// <summary>A stop that takes longer than this (a hung handler) is abandoned; the flow is marked stopped anyway.</summary>
    public double StopTimeoutSeconds { get; set; } = 30;
    /// <summary>Flows started concurrently when the server restores running flows at boot.</summary>
    public int RestoreParallelism { get; set; } = 4;
    /// <summary>An inbox row dispatched this many times (each attempt ended by a crash) is given up as failed.</summary>
    public int MaxAttempts { get; set; } = 5;
}
