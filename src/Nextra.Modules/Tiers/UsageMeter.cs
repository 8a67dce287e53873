using System.Globalization;
using Nextra.Modules.Tiers.Stores;

namespace Nextra.Modules.Tiers;

internal sealed class UsageMeter(IUsageStore store) : IUsageMeter
{
    public Task AddAsync(string tenantId, DateTimeOffset at, UsageDelta delta, CancellationToken ct = default) =>
        delta.IsEmpty ? Task.CompletedTask : store.AddAsync(tenantId, QuotaCounters.MonthOf(at), delta, ct);

    public async Task<UsageMonth> GetAsync(string tenantId, string period, CancellationToken ct = default) =>
        (await store.RangeAsync(tenantId, period, period, ct).ConfigureAwait(false)).FirstOrDefault() ?? UsageMonth.Empty(period);

    public async Task<IReadOnlyList<UsageMonth>> HistoryAsync(string tenantId, int months, DateTimeOffset now, CancellationToken ct = default)
    {
        var first = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var periods = Enumerable.Range(0, months).Select(i => first.AddMonths(-i).ToString("yyyy-MM", CultureInfo.InvariantCulture)).ToList();
        var rows = (await store.RangeAsync(tenantId, periods[^1], periods[0], ct).ConfigureAwait(false)).ToDictionary(m => m.Period, StringComparer.Ordinal);
        return periods.Select(p => rows.GetValueOrDefault(p) ?? UsageMonth.Empty(p)).ToList();
    }
}
