namespace Nextra.Modules.Tiers;

/// <summary>
/// The monthly executions quota on trigger intake, through <see cref="IQuotaCounter"/>. The durable count is the
/// inbox's, incremented in the transaction that commits each inbox row; the counter is the fast (and, hosted,
/// shared) check in front of it. A reservation made before the inbox write is given back with
/// <see cref="ReleaseAsync"/> when the write fails.
/// </summary>
public interface IExecutionMeter
{
    /// <summary>Counts one execution of the tenant's month of <paramref name="at"/>; throws <c>quota_exceeded</c> (429) at the limit.</summary>
    ValueTask ReserveAsync(string tenantId, DateTimeOffset at, CancellationToken ct);

    /// <summary>Counts one execution unless the month is used up; false when refused (schedules record the refusal as a run).</summary>
    ValueTask<bool> TryReserveAsync(string tenantId, DateTimeOffset at, CancellationToken ct);

    /// <summary>Throws <c>quota_exceeded</c> (429) when the month's executions are used up, without counting one.</summary>
    ValueTask EnsureAvailableAsync(string tenantId, DateTimeOffset at, CancellationToken ct);

    /// <summary>Gives back a reservation whose inbox row was not written.</summary>
    ValueTask ReleaseAsync(string tenantId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Executions of the tenant in the UTC month of <paramref name="now"/>.</summary>
    ValueTask<long> UsedAsync(string tenantId, DateTimeOffset now, CancellationToken ct = default);
}

/// <inheritdoc cref="IExecutionMeter"/>
public sealed class ExecutionMeter(IQuotaCounter counter, ITierLimits tiers) : IExecutionMeter
{
    /// <summary>Counts one execution of the tenant's month of <paramref name="at"/>; throws <c>quota_exceeded</c> (429) at the limit.</summary>
    public async ValueTask ReserveAsync(string tenantId, DateTimeOffset at, CancellationToken ct)
    {
        var tier = await tiers.ForTenantAsync(tenantId, ct).ConfigureAwait(false);
        if (!await counter.TryReserveAsync(tenantId, QuotaCounters.Executions, QuotaCounters.MonthOf(at), tier.ExecutionsPerMonth, ct).ConfigureAwait(false))
            throw Quota.Executions(tier, at);
    }

    /// <summary>Counts one execution unless the month is used up; false when refused (schedules record the refusal as a run).</summary>
    public async ValueTask<bool> TryReserveAsync(string tenantId, DateTimeOffset at, CancellationToken ct)
    {
        var tier = await tiers.ForTenantAsync(tenantId, ct).ConfigureAwait(false);
        return await counter.TryReserveAsync(tenantId, QuotaCounters.Executions, QuotaCounters.MonthOf(at), tier.ExecutionsPerMonth, ct).ConfigureAwait(false);
    }

    /// <summary>Throws <c>quota_exceeded</c> (429) when the month's executions are used up, without counting one (checked before starting a stopped flow).</summary>
    public async ValueTask EnsureAvailableAsync(string tenantId, DateTimeOffset at, CancellationToken ct)
    {
        var tier = await tiers.ForTenantAsync(tenantId, ct).ConfigureAwait(false);
        if (tier.ExecutionsPerMonth is { } max && await UsedAsync(tenantId, at, ct).ConfigureAwait(false) >= max)
            throw Quota.Executions(tier, at);
    }

    /// <summary>Gives back a reservation whose inbox row was not written.</summary>
    public ValueTask ReleaseAsync(string tenantId, DateTimeOffset at, CancellationToken ct = default) =>
        counter.ReleaseAsync(tenantId, QuotaCounters.Executions, QuotaCounters.MonthOf(at), ct);

    /// <summary>Executions of the tenant in the UTC month of <paramref name="now"/>.</summary>
    public ValueTask<long> UsedAsync(string tenantId, DateTimeOffset now, CancellationToken ct = default) =>
        counter.GetAsync(tenantId, QuotaCounters.Executions, QuotaCounters.MonthOf(now), ct);
}
