using System.Collections.Concurrent;
using Nextra.Modules.Triggers.Stores;

namespace Nextra.Modules.Tiers;

/// <summary>
/// The monthly executions quota on trigger intake. The durable count is the inbox's
/// <c>monthly_executions</c> row, incremented in the transaction that commits each inbox row; this
/// keeps a per-tenant copy in memory (read from the database once per tenant and month), so the
/// check on the webhook hot path is a lock and an add, never a COUNT(*). A reservation made before
/// the inbox write is given back with <see cref="Release"/> when the write fails.
/// </summary>
public sealed class ExecutionMeter(InboxStore inbox, ITierLimits tiers)
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>Counts one execution of the tenant's month of <paramref name="at"/>; throws <c>quota_exceeded</c> (429) at the limit.</summary>
    public async ValueTask ReserveAsync(string tenantId, DateTimeOffset at, CancellationToken ct)
    {
        var tier = await tiers.ForTenantAsync(tenantId, ct).ConfigureAwait(false);
        if (!TryReserve(tenantId, at, tier.ExecutionsPerMonth))
            throw Quota.Executions(tier, at);
    }

    /// <summary>Throws <c>quota_exceeded</c> (429) when the month's executions are used up, without counting one (checked before starting a stopped flow).</summary>
    public async ValueTask EnsureAvailableAsync(string tenantId, DateTimeOffset at, CancellationToken ct)
    {
        var tier = await tiers.ForTenantAsync(tenantId, ct).ConfigureAwait(false);
        if (tier.ExecutionsPerMonth is { } max && Used(tenantId, at) >= max)
            throw Quota.Executions(tier, at);
    }

    /// <summary>Counts one execution unless the month already has <paramref name="limit"/> (null = unlimited); false when refused.</summary>
    public bool TryReserve(string tenantId, DateTimeOffset at, long? limit)
    {
        var month = InboxStore.MonthOf(at);
        var counter = CounterOf(tenantId, month);
        lock (counter)
        {
            if (counter.Month != month) Roll(counter, tenantId, month);
            if (limit is { } max && counter.Count >= max) return false;
            counter.Count++;
            return true;
        }
    }

    /// <summary>Gives back a reservation whose inbox row was not written.</summary>
    public void Release(string tenantId, DateTimeOffset at)
    {
        var month = InboxStore.MonthOf(at);
        if (!_counters.TryGetValue(tenantId, out var counter)) return;
        lock (counter)
        {
            if (counter.Month == month && counter.Count > 0) counter.Count--;
        }
    }

    /// <summary>Executions of the tenant in the UTC month of <paramref name="now"/>.</summary>
    public long Used(string tenantId, DateTimeOffset now)
    {
        var month = InboxStore.MonthOf(now);
        var counter = CounterOf(tenantId, month);
        lock (counter)
        {
            if (counter.Month != month) Roll(counter, tenantId, month);
            return counter.Count;
        }
    }

    private Counter CounterOf(string tenantId, string month) =>
        _counters.GetOrAdd(tenantId, static (id, state) => new Counter(state.month, state.inbox.MonthlyExecutions(id, state.month)), (month, inbox));

    // A new month (or a clock that moved back in a test) starts from what the database holds for it: zero unless
    // rows for that month were committed before.
    private void Roll(Counter counter, string tenantId, string month)
    {
        counter.Month = month;
        counter.Count = inbox.MonthlyExecutions(tenantId, month);
    }

    private sealed class Counter(string month, long count)
    {
        public string Month { get; set; } = month;
        public long Count { get; set; } = count;
    }
}
