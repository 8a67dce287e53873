using Nextra.Modules.Alerts;

namespace Nextra.Modules.Sla;

/// <summary><c>GET /api/sla?window=1h|24h|7d|30d</c>: the tenant's numbers, each flow's, and the alerts of the window.</summary>
public sealed record SlaReport(string Window, DateTimeOffset From, DateTimeOffset To, SlaNumbers Tenant, SlaFlow[] Flows, Alert[] Alerts);

/// <summary>
/// Runs finished in the window; <see cref="SuccessRate"/> = succeeded / (succeeded + failed) (null without any);
/// durations in milliseconds from the per-minute histogram (null without runs); <see cref="UptimePercent"/> the share of the
/// window's minutes the flow was in status running (for the tenant, the mean over its flows).
/// </summary>
public sealed record SlaNumbers(long Runs, long Succeeded, long Failed, double? SuccessRate, double? P50Ms, double? P95Ms, double? P99Ms,
    SlaErrorCount[] Errors, long RunningMinutes, double UptimePercent);

public sealed record SlaFlow(string FlowId, SlaNumbers Numbers);

public sealed record SlaErrorCount(string Code, long Count);
