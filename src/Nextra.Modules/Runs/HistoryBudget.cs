namespace Nextra.Modules.Runs;

/// <summary>
/// The server-wide disk budget of the run history (<c>[runs] max_disk_mb</c>). Per-tier retention bounds each flow,
/// but many busy flows can still fill a disk; past the budget the oldest runs of the whole server go first, until
/// the history is under 90 % of the budget (so the next runs do not start another pass at once), then the freed
/// space is handed back to the file system.
/// </summary>
public static class HistoryBudget
{
    /// <summary>The share of the budget a pass prunes down to.</summary>
    public const double Target = 0.9;

    /// <summary>One pass; returns runs deleted (0 when the history is within <paramref name="maxBytes"/> or there is no budget).</summary>
    public static async Task<int> EnforceAsync(ITraceStore traces, long maxBytes, int batchSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(traces);
        // The files (or relations) are never smaller than what they hold: within the budget, nothing to measure.
        if (maxBytes <= 0 || await traces.SizeBytesAsync(ct).ConfigureAwait(false) <= maxBytes) return 0;
        var usage = await traces.UsageAsync(ct).ConfigureAwait(false);
        if (usage.Bytes <= maxBytes)
        {
            // What it holds fits; the files are over only by free pages and WAL: give those back.
            await traces.CompactAsync(ct).ConfigureAwait(false);
            return 0;
        }
        var target = (long)(maxBytes * Target);
        var deleted = 0;
        while (usage.Bytes > target && usage.Runs > 0)
        {
            ct.ThrowIfCancellationRequested();
            var perRun = Math.Max(1, usage.Bytes / usage.Runs);
            var count = (int)Math.Clamp((usage.Bytes - target + perRun - 1) / perRun, 1, Math.Max(1, batchSize));
            var n = await traces.DeleteOldestAsync(count, ct).ConfigureAwait(false);
            if (n == 0) break;
            deleted += n;
            usage = await traces.UsageAsync(ct).ConfigureAwait(false);
        }
        if (deleted > 0) await traces.CompactAsync(ct).ConfigureAwait(false);
        return deleted;
    }
}
