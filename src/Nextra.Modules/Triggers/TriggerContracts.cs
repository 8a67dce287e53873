using System.Text.Json;

namespace Nextra.Modules.Triggers;

/// <summary><c>POST /api/triggers/{flowId}/inject</c>: payload is a JSON object or an XML string.</summary>
public sealed record InjectRequest(JsonElement Payload, string? Target, string? PayloadClass);

/// <summary>Optional body of a step replay: a payload (JSON object or XML string) instead of the recorded input.</summary>
public sealed record ReplayStepRequest(JsonElement Payload);

/// <summary>A trigger of a flow as listed by <c>GET /api/flows/{id}/triggers</c>.</summary>
public sealed record TriggerView(string Name, string Type, string Target, string Payload, string? Url = null,
    IReadOnlyList<DateTimeOffset>? NextFireTimes = null, string? Cron = null, string? Timezone = null, string? MissedPolicy = null);

public sealed record RotatedUrl(string Url);
