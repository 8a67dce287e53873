namespace Nextra.Modules.Orchestration;

/// <summary>
/// <c>GET /api/flows/{id}/status</c>. <see cref="Asleep"/>: running but stopped for idleness;
/// the next trigger wakes it. <see cref="Reason"/>: why a stopped flow is stopped when the system stopped it
/// (<c>over_plan_limit</c>: the tenant's tier runs fewer flows; upgrade or stop other flows, then start it).
/// </summary>
public sealed record FlowStatusView(string Status, string? Error = null, DateTimeOffset? StartedAt = null, int? QueueDepth = null,
    int? ActiveRuns = null, bool Asleep = false, bool KeepAlive = false, string? Reason = null);

/// <summary>Persisted lifecycle statuses.</summary>
public static class FlowStatuses
{
    public const string Stopped = "stopped";
    public const string Starting = "starting";
    public const string Running = "running";
    public const string Stopping = "stopping";
    public const string Error = "error";
}
