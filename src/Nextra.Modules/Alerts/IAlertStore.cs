namespace Nextra.Modules.Alerts;

/// <summary>
/// Alerts, channels and pending notifications of every tenant, shared by every instance: a rule fires once per tenant,
/// rule and flow however many instances see it (at most one firing row each, enforced by the store), and each
/// transition queues one delivery per channel in the same transaction, so a notification is sent once.
/// </summary>
public interface IAlertStore
{
    /// <summary>Fires the rule unless it already is firing; returns the new alert, or null when it was firing already.</summary>
    Task<Alert?> FireAsync(string tenantId, string rule, string flowId, string detail, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Resolves the firing alert; returns it, or null when it was not firing (another instance resolved it).</summary>
    Task<Alert?> ResolveAsync(string tenantId, string rule, string flowId, DateTimeOffset at, CancellationToken ct = default);

    Task<IReadOnlyList<Alert>> ListAsync(string tenantId, string? state, string? flowId, int limit, CancellationToken ct = default);

    Task<Alert?> GetAsync(string tenantId, string alertId, CancellationToken ct = default);

    Task<IReadOnlyList<AlertChannel>> ListChannelsAsync(string tenantId, CancellationToken ct = default);

    Task<AlertChannel?> GetChannelAsync(string tenantId, string name, CancellationToken ct = default);

    Task PutChannelAsync(string tenantId, AlertChannel channel, DateTimeOffset at, CancellationToken ct = default);

    Task<bool> DeleteChannelAsync(string tenantId, string name, CancellationToken ct = default);

    /// <summary>
    /// Takes up to <paramref name="limit"/> pending deliveries due at <paramref name="now"/> (any tenant): each counts an
    /// attempt and is hidden until <paramref name="leaseUntil"/>, so another instance does not send it meanwhile.
    /// </summary>
    Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct = default);

    /// <summary>Delivered: <paramref name="error"/> null. Failed: retried at <paramref name="retryAt"/>, or given up when null.</summary>
    Task FinishDeliveryAsync(string tenantId, string deliveryId, DateTimeOffset at, string? error, DateTimeOffset? retryAt, CancellationToken ct = default);

    Task<IReadOnlyList<AlertDelivery>> ListDeliveriesAsync(string tenantId, string? alertId, int limit, CancellationToken ct = default);
}

/// <summary>A claimed delivery: which transition of which alert goes to which channel.</summary>
public sealed record DueDelivery(string Id, string TenantId, string AlertId, string Channel, string State, int Attempts);
