namespace Nextra.Pump.Config;

/// <summary>One entry of <c>triggers:</c>. Type is webhook | schedule | manual.</summary>
public sealed class TriggerDefinition
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public required string Target { get; init; }
    public required string Payload { get; init; }
    public string? Cron { get; init; }
    public string? Timezone { get; init; }
    /// <summary>Schedule policy for slots missed while the server was down: skip | run_once.</summary>
    public string MissedPolicy { get; init; } = "skip";
    /// <summary>The payload a schedule fires with, as JSON mapped through <see cref="Payload"/>; null = an empty object.</summary>
    public System.Text.Json.Nodes.JsonObject? Input { get; init; }
    /// <summary>Webhook: sustained requests per second this trigger accepts; null = the server's default (which also caps it).</summary>
    public double? RatePerSecond { get; init; }
    /// <summary>Webhook: requests accepted at once above the sustained rate; null = the server's default (and cap).</summary>
    public double? Burst { get; init; }
    /// <summary>Webhook: largest body accepted; null = the server's default (and cap).</summary>
    public long? MaxBodyBytes { get; init; }
    public int Line { get; init; }
    public int Column { get; init; }
}
