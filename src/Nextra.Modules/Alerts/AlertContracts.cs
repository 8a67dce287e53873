namespace Nextra.Modules.Alerts;

/// <summary>
/// An alert of <c>GET /api/alerts</c>: one rule on one flow (<see cref="FlowId"/> null for the process-wide memory
/// alert) from the time it fired to the time it resolved.
/// </summary>
public sealed record Alert(string Id, string Rule, string? FlowId, string State, DateTimeOffset Since, DateTimeOffset? ResolvedAt, string Detail);

/// <summary>A notification channel of <c>/api/alerts/channels/{name}</c>.</summary>
public sealed record AlertChannel(string Name, string Type, string? Url = null, string? SecretName = null, string? To = null);

/// <summary>The body of <c>PUT /api/alerts/channels/{name}</c>.</summary>
public sealed record PutAlertChannelRequest(string? Type, string? Url = null, string? SecretName = null, string? To = null);

/// <summary>One notification of one transition to one channel, as <c>GET /api/alerts/deliveries</c> shows it.</summary>
public sealed record AlertDelivery(string Id, string AlertId, string Channel, string State, string Status, int Attempts,
    DateTimeOffset NextAt, string? LastError, DateTimeOffset? DeliveredAt);

/// <summary>The JSON a webhook channel receives (signed with HMAC-SHA256 in <c>X-Nextra-Signature</c>).</summary>
public sealed record AlertWebhookBody(string Alert, string State, string Tenant, string? Flow, string Detail, DateTimeOffset At, string Url);

/// <summary>The JSON a Slack incoming webhook receives.</summary>
public sealed record SlackMessage(string Text);

/// <summary>Rule names, states and channel types as they appear on the wire.</summary>
public static class AlertNames
{
    public const string PumpCrash = "pump_crash";
    public const string ErrorRate = "error_rate";
    public const string MemoryPressure = "memory_pressure";
    public const string StuckFlow = "stuck_flow";
    public static readonly string[] Rules = [PumpCrash, ErrorRate, MemoryPressure, StuckFlow];

    public const string Firing = "firing";
    public const string Resolved = "resolved";

    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string Email = "email";
}
