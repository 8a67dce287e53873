namespace Nextra.Modules.Orchestration;

/// <summary>
/// One flow's run-time health on this instance: its status (<c>error</c> when its pump faulted), queued and active runs,
/// the pump's memory estimate, and when it last made progress (a step finished, or it went from idle to busy).
/// </summary>
public sealed record FlowHealth(string TenantId, string FlowId, string Status, string? Error, int QueueDepth, int ActiveRuns,
    long EstimatedMemoryBytes, DateTimeOffset LastProgress);
