namespace Nextra.Modules.Observability;

/// <summary>Trace and metric export (section <c>Telemetry</c>, TOML <c>[telemetry]</c>).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// The OTLP collector's base URL (http/protobuf, e.g. <c>http://127.0.0.1:4318</c>); traces go to <c>/v1/traces</c> and
    /// metrics to <c>/v1/metrics</c> under it. Empty: export only when the standard <c>OTEL_EXPORTER_OTLP_*</c> variables say so.
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";
    /// <summary>The <c>service.name</c> resource attribute (<c>OTEL_SERVICE_NAME</c> overrides it).</summary>
    public string ServiceName { get; set; } = "nextra";
    /// <summary>Also push the <c>Nextra</c> meter over OTLP (the <c>/metrics</c> scrape works either way).</summary>
    public bool ExportMetrics { get; set; } = true;
}
