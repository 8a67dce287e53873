using Nextra.Modules.Runs;
using Nextra.Modules.Runs.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>What every <see cref="IRunRollupStore"/> must do: per-minute sums by flow, a duration histogram, error codes,
/// idempotent running minutes, a window and a tenant scope.</summary>
public abstract class RunRollupStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 30, TimeSpan.Zero);

    protected abstract string Provider { get; }

    private Task<StoreHarness> CreateAsync() => StoreHarness.CreateAsync(Provider, (s, _) =>
    {
        s.AddMigrations("runs", typeof(RunRollups).Assembly, Databases.Traces);
        s.AddStore<IRunRollupStore, SqliteRunRollupStore, PostgresRunRollupStore>();
    });

    [ContractFact]
    public async Task Rollups_KnownRuns_SummedPerFlowWithHistogramErrorsAndUptime()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IRunRollupStore>();
        // f1: 3 succeeded (3, 40, 40 ms) and 1 failed (2 000 ms, code boom) across two minutes; f2: 1 cancelled.
        await store.RecordRunAsync("t1", "f1", T0, "succeeded", 3, null);
        await store.RecordRunAsync("t1", "f1", T0.AddSeconds(10), "succeeded", 40, null);
        await store.RecordRunAsync("t1", "f1", T0.AddMinutes(1), "succeeded", 40, null);
        await store.RecordRunAsync("t1", "f1", T0.AddMinutes(1), "failed", 2_000, "boom");
        await store.RecordRunAsync("t1", "f2", T0, "cancelled", 10, "cancelled");
        await store.RecordRunAsync("t2", "f1", T0, "failed", 1, "other-tenant");
        // Earlier than the window: left out.
        await store.RecordRunAsync("t1", "f1", T0.AddHours(-2), "failed", 1, "old");
        foreach (var at in (DateTimeOffset[])[T0, T0.AddSeconds(20), T0.AddMinutes(1), T0.AddMinutes(2)]) await store.MarkRunningAsync("t1", "f1", at);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => store.RecordRunAsync("t1", "f3", T0, "succeeded", 7, null)));

        var rollups = await store.SinceAsync("t1", T0.AddMinutes(-30));
        Assert.Equal(["f1", "f2", "f3"], rollups.Select(r => r.FlowId));
        var f1 = rollups[0];
        Assert.Equal((4L, 3L, 1L, 3L), (f1.Runs, f1.Succeeded, f1.Failed, f1.RunningMinutes));
        var expected = new long[RunRollups.BucketsMs.Length];
        expected[RunRollups.BucketOf(3)] += 1;
        expected[RunRollups.BucketOf(40)] += 2;
        expected[RunRollups.BucketOf(2_000)] += 1;
        Assert.Equal(expected, f1.Buckets);
        Assert.Equal(new Dictionary<string, long> { ["boom"] = 1 }, f1.Errors);
        Assert.Equal((1L, 0L, 0L, 1L), (rollups[1].Runs, rollups[1].Succeeded, rollups[1].Failed, rollups[1].Errors["cancelled"]));
        Assert.Equal(5L, rollups[2].Runs);
        Assert.Equal(["f1"], (await store.SinceAsync("t2", T0.AddMinutes(-30))).Select(r => r.FlowId));
        Assert.Empty(await store.SinceAsync("t1", T0.AddMinutes(5)));
    }

    [Fact]
    public void Percentile_KnownHistogram_InterpolatesInsideTheBucket()
    {
        var buckets = new long[RunRollups.BucketsMs.Length];
        buckets[RunRollups.BucketOf(40)] = 50;   // (25, 50] ms
        buckets[RunRollups.BucketOf(400)] = 50;  // (250, 500] ms
        Assert.Equal(25 + 0.5 * 25, RunRollups.Percentile(buckets, 0.25));
        Assert.Equal(50, RunRollups.Percentile(buckets, 0.50));
        Assert.Equal(250 + 0.9 * 250, RunRollups.Percentile(buckets, 0.95));
        Assert.Null(RunRollups.Percentile(new long[RunRollups.BucketsMs.Length], 0.5));
        Assert.Equal(0, RunRollups.BucketOf(0));
        Assert.Equal(RunRollups.BucketsMs.Length - 1, RunRollups.BucketOf(long.MaxValue - 1));
    }
}

public sealed class SqliteRunRollupStoreContract : RunRollupStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;
}

public sealed class PostgresRunRollupStoreContract : RunRollupStoreContract
{
    protected override string Provider => StorageProviders.Postgres;
}
