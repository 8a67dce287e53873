using System.Collections.Concurrent;
using Nextra.Modules.Common;

namespace Nextra.Modules.Tiers;

/// <summary>
/// <see cref="IQuotaCounter"/> for one process: a per-tenant copy of each counter held in memory, read from its
/// durable source once per tenant and period, so a check on the webhook hot path is a lock and an add, never a
/// COUNT(*). A new period (or a clock that moved back) starts from what the database holds for it.
/// </summary>
[ModuleContract("the embedded implementation of a seam; the Cluster module's one switch selects it when no Redis is configured")]
public sealed class InProcessQuotaCounter(IEnumerable<IQuotaCountSource> sources) : IQuotaCounter
{
    private readonly Dictionary<string, IQuotaCountSource> _sources = sources.ToDictionary(s => s.Counter, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Tenant, string Counter), Entry> _entries = new();

    public async ValueTask<bool> TryReserveAsync(string tenantId, string counter, string period, long? limit, CancellationToken ct = default)
    {
        var entry = await EntryAsync(tenantId, counter, period, ct).ConfigureAwait(false);
        lock (entry)
        {
            if (entry.Period != period) return false; // rolled meanwhile by a concurrent caller of another period: refuse safely
            if (limit is { } max && entry.Count >= max) return false;
            entry.Count++;
            return true;
        }
    }

    public ValueTask ReleaseAsync(string tenantId, string counter, string period, CancellationToken ct = default)
    {
        if (_entries.TryGetValue((tenantId, counter), out var entry))
        {
            lock (entry)
            {
                if (entry.Period == period && entry.Count > 0) entry.Count--;
            }
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask<long> GetAsync(string tenantId, string counter, string period, CancellationToken ct = default)
    {
        var entry = await EntryAsync(tenantId, counter, period, ct).ConfigureAwait(false);
        lock (entry) return entry.Period == period ? entry.Count : 0;
    }

    private async ValueTask<Entry> EntryAsync(string tenantId, string counter, string period, CancellationToken ct)
    {
        if (_entries.TryGetValue((tenantId, counter), out var entry) && Volatile.Read(ref entry.Loaded) && entry.Period == period) return entry;
        var durable = _sources.TryGetValue(counter, out var source) ? await source.DurableCountAsync(tenantId, period, ct).ConfigureAwait(false) : 0;
        entry = _entries.GetOrAdd((tenantId, counter), _ => new Entry());
        lock (entry)
        {
            // First load, or a new period: start from the durable count (reservations of this process for that
            // period, if another caller loaded it first, are already in it or counted on top).
            if (!entry.Loaded || entry.Period != period)
            {
                entry.Period = period;
                entry.Count = durable;
                Volatile.Write(ref entry.Loaded, true);
            }
        }
        return entry;
    }

    private sealed class Entry
    {
        public bool Loaded;
        public string Period = "";
        public long Count;
    }
}
