using Nextra.Modules.Alerts;
using Nextra.Modules.Runs;

namespace Nextra.Modules.Sla;

/// <summary>Computes <see cref="SlaReport"/>s from the per-minute rollups and the alert store.</summary>
public sealed class SlaService(IRunRollupStore rollups, IAlertStore alerts, TimeProvider time)
{
    public static readonly IReadOnlyDictionary<string, TimeSpan> Windows = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["1h"] = TimeSpan.FromHours(1), ["24h"] = TimeSpan.FromHours(24), ["7d"] = TimeSpan.FromDays(7), ["30d"] = TimeSpan.FromDays(30),
    };

    public async Task<SlaReport> ReportAsync(string tenantId, string window, CancellationToken ct)
    {
        var to = time.GetUtcNow();
        var length = Windows[window];
        var from = to - length;
        var minutes = Math.Max(1, (long)Math.Round(length.TotalMinutes));
        var flows = await rollups.SinceAsync(tenantId, from, ct).ConfigureAwait(false);
        var perFlow = flows.Select(f => new SlaFlow(f.FlowId, Numbers(f.Runs, f.Succeeded, f.Failed, f.Buckets, f.Errors, f.RunningMinutes, minutes))).ToArray();
        var buckets = new long[RunRollups.BucketsMs.Length];
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var f in flows)
        {
            for (var i = 0; i < buckets.Length; i++) buckets[i] += f.Buckets[i];
            foreach (var (code, count) in f.Errors) errors[code] = errors.GetValueOrDefault(code) + count;
        }
        var tenant = Numbers(flows.Sum(f => f.Runs), flows.Sum(f => f.Succeeded), flows.Sum(f => f.Failed), buckets, errors,
            flows.Sum(f => f.RunningMinutes), minutes) with
        {
            UptimePercent = perFlow.Length == 0 ? 0 : Math.Round(perFlow.Average(f => f.Numbers.UptimePercent), 2),
        };
        var inWindow = (await alerts.ListAsync(tenantId, null, null, 500, ct).ConfigureAwait(false))
            .Where(a => a.Since >= from || a.ResolvedAt is null || a.ResolvedAt >= from).ToArray();
        return new SlaReport(window, from, to, tenant, perFlow, inWindow);
    }

    private static SlaNumbers Numbers(long runs, long succeeded, long failed, long[] buckets, IReadOnlyDictionary<string, long> errors, long running, long minutes) =>
        new(runs, succeeded, failed, succeeded + failed == 0 ? null : Math.Round((double)succeeded / (succeeded + failed), 4),
            Round(RunRollups.Percentile(buckets, 0.50)), Round(RunRollups.Percentile(buckets, 0.95)), Round(RunRollups.Percentile(buckets, 0.99)),
            [.. errors.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Select(e => new SlaErrorCount(e.Key, e.Value))],
            running, Math.Round(Math.Min(100.0, 100.0 * running / minutes), 2));

    private static double? Round(double? ms) => ms is { } v ? Math.Round(v, 1) : null;
}
