namespace Nextra.Modules.Orchestration;

/// <summary>Per-flow run-time settings and state that outlive a process: keep-alive and why a flow is in status error.</summary>
public interface IFlowRuntimeStore
{
    Task<bool> GetKeepAliveAsync(string tenantId, string flowId, CancellationToken ct = default);

    Task SetKeepAliveAsync(string tenantId, string flowId, bool keepAlive, CancellationToken ct = default);

    /// <summary>The persisted reason of a flow's last <c>error</c> status, or null.</summary>
    Task<string?> GetErrorAsync(string tenantId, string flowId, CancellationToken ct = default);

    /// <summary>Records (or clears, with null) why a flow is in status <c>error</c>.</summary>
    Task SetErrorAsync(string tenantId, string flowId, string? error, CancellationToken ct = default);

    /// <summary>Forgets a deleted flow.</summary>
    Task DeleteAsync(string tenantId, string flowId, CancellationToken ct = default);
}
