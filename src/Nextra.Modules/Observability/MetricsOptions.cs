namespace Nextra.Modules.Observability;

/// <summary>Metrics settings (section <c>Metrics</c>, TOML <c>[metrics]</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>When set, <c>/metrics</c> requires <c>Authorization: Bearer TOKEN</c>.</summary>
    public string Token { get; set; } = "";
    /// <summary>At most this many distinct flow ids label series per process; later flows are folded into <c>flow_id="other"</c>.</summary>
    public int MaxFlowSeries { get; set; } = 500;
}
