using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Nextra.Modules.Observability;

/// <summary>
/// The OpenTelemetry SDK, exporting only when an OTLP endpoint is configured (<c>[telemetry] otlp_endpoint</c>, or the
/// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> / <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>): spans of the incoming HTTP
/// requests (<c>Microsoft.AspNetCore</c>, which honours a W3C <c>traceparent</c>), of runs and steps (<see cref="Tracing"/>)
/// and of outgoing HTTP calls, over OTLP http/protobuf. The choice is made when the provider is built (options are read
/// then, so every configuration source counts); without an endpoint no source is listened to and spans cost nothing.
/// </summary>
internal static class TelemetryRegistration
{
    public static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section))
            .Validate(o => string.IsNullOrWhiteSpace(o.OtlpEndpoint) || Uri.TryCreate(o.OtlpEndpoint, UriKind.Absolute, out _),
                "telemetry.otlp_endpoint must be an absolute URL such as http://127.0.0.1:4318")
            .ValidateOnStart();
        services.AddOpenTelemetry()
            .WithTracing(t => ((IDeferredTracerProviderBuilder)t).Configure((sp, b) =>
            {
                var options = sp.GetRequiredService<IOptions<TelemetryOptions>>().Value;
                if (!Enabled(options)) return;
                b.SetResourceBuilder(Resource(options));
                b.AddSource(Tracing.SourceName, "Microsoft.AspNetCore", "System.Net.Http");
                b.AddProcessor(new BatchActivityExportProcessor(new OtlpTraceExporter(Exporter(options, "v1/traces"))));
            }))
            .WithMetrics(m => ((IDeferredMeterProviderBuilder)m).Configure((sp, b) =>
            {
                var options = sp.GetRequiredService<IOptions<TelemetryOptions>>().Value;
                if (!Enabled(options) || !options.ExportMetrics) return;
                b.SetResourceBuilder(Resource(options));
                b.AddMeter(Metrics.MeterName);
                b.AddReader(new PeriodicExportingMetricReader(new OtlpMetricExporter(Exporter(options, "v1/metrics"))));
            }));
    }

    internal static bool Enabled(TelemetryOptions options)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase)) return false;
        return !string.IsNullOrWhiteSpace(options.OtlpEndpoint)
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    }

    private static ResourceBuilder Resource(TelemetryOptions options) => ResourceBuilder.CreateDefault()
        .AddService(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is { Length: > 0 } name ? name : options.ServiceName);

    // new OtlpExporterOptions() reads the OTEL_EXPORTER_OTLP_* variables; a configured base URL wins over them, and set
    // in code the exporter takes the path as given, so the signal's path is added here.
    private static OtlpExporterOptions Exporter(TelemetryOptions options, string path)
    {
        var exporter = new OtlpExporterOptions();
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            exporter.Endpoint = new Uri(new Uri(options.OtlpEndpoint.TrimEnd('/') + "/", UriKind.Absolute), path);
        }
        return exporter;
    }
}
