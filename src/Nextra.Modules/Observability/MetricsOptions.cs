namespace Nextra.Modules.Observability;

/// <summary>Metrics settings (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// When set, <c>/metrics</c> answers only requests carrying <c>Authorization: Bearer TOKEN</c> (401 otherwise);
    /// empty leaves it open, for a scraper on a private network.
    /// </summary>
    public string Token { get; set; } = "";
}
