namespace Nextra.Modules.Orchestration;

/// <summary>
/// <c>GET /api/flows/{id}/status</c>. <see cref="Asleep"/>: running but stopped for idleness;
/// the next trigger wakes it.
/// </summary>
public sealed record FlowStatusView(string Status, string? Error = null, DateTimeOffset? StartedAt = null, int? QueueDepth = null,
    int? ActiveRuns = null, bool Asleep = false, bool KeepAlive = false);

/// <summary>Persisted lifecycle statuses.</summary>
public static class FlowStatuses
{
    public const string Stopped = "stopped";
    public const string Starting = "starting";
    public const string Running = "running";
    public const string Stopping = "stopping";
    public const string Error = "error";
}
