using Serilog.Core;
using Serilog.Events;

namespace Nextra.Host.Hosting;

/// <summary>
/// Webhook URLs carry their secret in the path (<c>/api/triggers/{flowId}/webhook/{token}</c>); logs
/// must not. Applied to the request-log line and, as an enricher, to every event's RequestPath.
/// </summary>
internal sealed class LogRedaction : ILogEventEnricher
{
    private const string Marker = "/webhook/";

    public static string Path(string path)
    {
        var at = path.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        return at < 0 ? path : path[..(at + Marker.Length)] + "***";
    }

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.TryGetValue("RequestPath", out var value)
            && value is ScalarValue { Value: string path }
            && path.Contains(Marker, StringComparison.OrdinalIgnoreCase))
        {
            logEvent.AddOrUpdateProperty(new LogEventProperty("RequestPath", new ScalarValue(Path(path))));
        }
    }
}
