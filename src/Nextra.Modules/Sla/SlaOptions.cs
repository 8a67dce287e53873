namespace Nextra.Modules.Sla;

/// <summary>SLA dashboard settings (section <c>Sla</c>, TOML <c>[sla]</c>).</summary>
public sealed class SlaOptions
{
    public const string Section = "Sla";

    /// <summary>How often each instance records which of its flows are running (the uptime column), in seconds.</summary>
    public double SampleSeconds { get; set; } = 60;
}
