namespace Nextra.Modules.Runs;

/// <summary>
/// Per-minute rollups of finished runs (count, successes, failures, a duration histogram, error codes) and of the minutes
/// each flow was running, kept beside the traces and outliving their retention, so SLA numbers over 30 days read at
/// most 43 200 small rows per flow whatever the number of runs.
/// </summary>
public interface IRunRollupStore
{
    /// <summary>Adds one finished run to its minute.</summary>
    Task RecordRunAsync(string tenantId, string flowId, DateTimeOffset finishedAt, string status, long durationMs, string? errorCode, CancellationToken ct = default);

    /// <summary>Marks the minute of <paramref name="at"/> as one the flow was running in (idempotent).</summary>
    Task MarkRunningAsync(string tenantId, string flowId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>The tenant's rollups from <paramref name="since"/> on, summed per flow.</summary>
    Task<IReadOnlyList<FlowRollup>> SinceAsync(string tenantId, DateTimeOffset since, CancellationToken ct = default);
}

/// <summary>A flow's runs over a window: counts, the duration histogram (<see cref="RunRollups.BucketsMs"/>), error codes, running minutes.</summary>
public sealed record FlowRollup(string FlowId, long Runs, long Succeeded, long Failed, long[] Buckets, IReadOnlyDictionary<string, long> Errors, long RunningMinutes);

/// <summary>The duration histogram's bucket bounds and the percentile read from it.</summary>
public static class RunRollups
{
    /// <summary>Upper bounds in milliseconds; the last bucket is everything above the previous bound.</summary>
    public static readonly long[] BucketsMs = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, long.MaxValue];

    public static int BucketOf(long durationMs)
    {
        for (var i = 0; i < BucketsMs.Length; i++)
        {
            if (durationMs <= BucketsMs[i]) return i;
        }
        return BucketsMs.Length - 1;
    }

    public static DateTimeOffset MinuteOf(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    /// <summary>
    /// The <paramref name="q"/> quantile (0..1) in milliseconds: the upper bound of the bucket it falls in, interpolated
    /// linearly inside the bucket (the open last bucket answers its lower bound); null without runs.
    /// </summary>
    public static double? Percentile(long[] buckets, double q)
    {
        var total = buckets.Sum();
        if (total == 0) return null;
        var rank = q * total;
        long seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] == 0) continue;
            if (seen + buckets[i] >= rank)
            {
                var lower = i == 0 ? 0 : BucketsMs[i - 1];
                if (BucketsMs[i] == long.MaxValue) return lower;
                var fraction = (rank - seen) / buckets[i];
                return lower + fraction * (BucketsMs[i] - lower);
            }
            seen += buckets[i];
        }
        return BucketsMs[^2];
    }
}
