using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tests.Runs;
using Nextra.Modules.Tiers;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>What every <see cref="ITraceStore"/> must do; one subclass per provider.</summary>
public abstract class TraceStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected abstract string Provider { get; }

    private Task<StoreHarness> CreateAsync() => StoreHarness.CreateAsync(Provider, (s, c) => s.AddRuns(c));

    internal static TraceEntry Entry(string flow = "f1", DateTimeOffset? at = null, string status = "succeeded", string? big = null, string tenant = "t1")
    {
        var input = big ?? "<Greeting><name>ada</name></Greeting>";
        var middle = "<Reply><text>hello ada</text></Reply>";
        var run = new RunRecord
        {
            RunId = RunIds.New(), Status = status, StartedAt = at ?? T0, DurationMs = 3,
            Outputs = [new RunOutput { Listener = "out", Class = "Reply", Payload = new() { ["text"] = "hello ada" }, Xml = middle }],
            Steps =
            [
                new RunStep { Index = 0, Listener = "greet", From = "webhook", To = "out", Class = "Greeting", Thread = "th", PayloadIn = input, PayloadsOut = [middle], Fuel = 42 },
                new RunStep { Index = 1, Listener = "out", From = "greet", Class = "Reply", Thread = "th", PayloadIn = middle, CostUsd = 0.0012m, Error = status == "failed" ? new StepError("handler_crashed", "boom") : null },
            ],
        };
        return new TraceEntry(tenant, flow, "webhook:hook", new RecordedInjection("greet", "Greeting", input, null), run);
    }

    [ContractFact]
    public async Task Save_ThenGet_EveryStepAndPayloadBack()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        var entry = Entry(status: "failed");
        await store.SaveAsync(entry, LeaseFence.None);
        var run = (await store.GetAsync("t1", entry.Run.RunId))!;
        Assert.Equal("failed", run.Status);
        Assert.Equal("webhook:hook", run.Trigger);
        Assert.Equal(2, run.Steps.Count);
        Assert.Equal(entry.Run.Steps[0].PayloadIn, run.Steps[0].PayloadIn);
        Assert.Equal(entry.Run.Steps[0].PayloadsOut, run.Steps[0].PayloadsOut);
        Assert.Equal(42UL, run.Steps[0].Fuel);
        Assert.Equal(0.0012m, run.Steps[1].CostUsd);
        Assert.Equal("handler_crashed", run.Steps[1].Error!.Code);
        Assert.Equal("hello ada", run.Outputs[0].Payload["text"]!.GetValue<string>());
        Assert.Equal("greet", (await store.GetInjectionAsync("t1", entry.Run.RunId))!.Target);
        Assert.Equal("failed", (await store.GetSummaryAsync("t1", entry.Run.RunId))!.Status);
    }

    [ContractFact]
    public async Task FinishedAmong_OnlyFinalTracesOfTheTenant()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        var done = Entry();
        var failed = Entry(status: "failed");
        var running = Entry(status: "running");
        var other = Entry(tenant: "t2");
        foreach (var e in new[] { done, failed, running, other }) await store.SaveAsync(e, LeaseFence.None);

        var found = await store.FinishedAmongAsync("t1", [done.Run.RunId, failed.Run.RunId, running.Run.RunId, other.Run.RunId, "no-such-run"]);

        Assert.Equal(new[] { done.Run.RunId, failed.Run.RunId }.Order(), found.Order());
        Assert.Empty(await store.FinishedAmongAsync("t1", []));
    }

    [ContractFact]
    public async Task Reads_OtherTenant_SeeNothing()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        var entry = Entry();
        await store.SaveAsync(entry, LeaseFence.None);
        Assert.Null(await store.GetAsync("t2", entry.Run.RunId));
        Assert.Null(await store.GetSummaryAsync("t2", entry.Run.RunId));
        Assert.Null(await store.GetInjectionAsync("t2", entry.Run.RunId));
        Assert.Empty((await store.ListAsync("t2", "f1", new RunQuery())).Items);
        Assert.Empty(await store.LatestAsync("t2", ["f1"]));
        store.AppendLog(new FlowLogEntry("t1", "f1", T0, "info", "secret line"));
        for (var i = 0; i < 100 && (await store.RecentLogsAsync("t1", "f1", 10)).Count == 0; i++) await Task.Delay(10);
        Assert.Single(await store.RecentLogsAsync("t1", "f1", 10));
        Assert.Empty(await store.RecentLogsAsync("t2", "f1", 10));
    }

    [ContractFact]
    public async Task Save_Again_ReplacesAHalfWayTrace()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        var entry = Entry(status: "running");
        await store.SaveAsync(entry, LeaseFence.None);
        entry.Run.Status = "succeeded";
        entry.Run.Steps.RemoveAt(1);
        await store.SaveAsync(entry, LeaseFence.None);
        var run = (await store.GetAsync("t1", entry.Run.RunId))!;
        Assert.Equal("succeeded", run.Status);
        Assert.Single(run.Steps);
    }

    [ContractFact]
    public async Task List_Paged_WalksAllRunsNewestFirst()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        var entries = Enumerable.Range(0, 25).Select(i => Entry(at: T0.AddSeconds(i), status: i % 5 == 0 ? "failed" : "succeeded")).ToList();
        await Task.WhenAll(entries.Select(e => store.SaveAsync(e, LeaseFence.None)));
        var seen = new List<string>();
        string? before = null;
        do
        {
            var page = await store.ListAsync("t1", "f1", new RunQuery(Before: before, Limit: 10));
            seen.AddRange(page.Items.Select(i => i.RunId));
            before = page.NextBefore;
        } while (before is not null);
        Assert.Equal(entries.Select(e => e.Run.RunId).Reverse(), seen);
        Assert.Equal(5, (await store.ListAsync("t1", "f1", new RunQuery(Status: "failed"))).Items.Count);
        Assert.Equal(10, (await store.ListAsync("t1", "f1", new RunQuery(Since: T0.AddSeconds(15)))).Items.Count);
        Assert.Empty((await store.ListAsync("t1", "other", new RunQuery())).Items);
        Assert.Equal(entries[^1].Run.RunId, (await store.LatestAsync("t1", ["f1", "other"]))["f1"].RunId);
    }

    [ContractFact]
    public async Task Retention_CountAndAge_KeepsNewestWithinPolicy()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        var now = T0.AddDays(10);
        var old = Enumerable.Range(0, 5).Select(i => Entry(at: T0.AddSeconds(i))).ToList();
        var recent = Enumerable.Range(0, 30).Select(i => Entry(at: now.AddSeconds(-100 + i))).ToList();
        foreach (var e in old.Concat(recent)) await store.SaveAsync(e, LeaseFence.None);
        var deleted = await store.ApplyRetentionAsync(_ => new RetentionPolicy { MaxRunsPerFlow = 20, MaxAgeDays = 1 }, now, batchSize: 7);
        Assert.Equal(15, deleted);
        var kept = (await store.ListAsync("t1", "f1", new RunQuery(Limit: 200))).Items.Select(i => i.RunId);
        Assert.Equal(recent.Skip(10).Select(e => e.Run.RunId).Reverse(), kept);
        Assert.Null(await store.GetAsync("t1", old[0].Run.RunId));
    }

    [ContractFact]
    public async Task Logs_AppendedThenRecent_OldestFirstAndBounded()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        for (var i = 0; i < 30; i++) store.AppendLog(new FlowLogEntry("t1", "f1", T0.AddSeconds(i), "info", "line " + i));
        IReadOnlyList<LogLine> lines = [];
        for (var i = 0; i < 200 && (lines = await store.RecentLogsAsync("t1", "f1", 10)).Count < 10; i++) await Task.Delay(10);
        Assert.Equal(Enumerable.Range(20, 10).Select(i => "line " + i), lines.Select(l => l.Message));
    }
}

public sealed class SqliteTraceStoreContract : TraceStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;

    [ContractFact]
    public async Task Retention_SustainedLoad_FileStopsGrowing()
    {
        await using var h = await StoreHarness.CreateAsync(Provider, (s, c) => s.AddRuns(c));
        var store = h.Get<ITraceStore>();
        var big = "<Greeting><name>" + new string('x', 8_000) + "</name></Greeting>";
        var policy = new RetentionPolicy { MaxRunsPerFlow = 200, MaxAgeDays = 365 };
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var sizes = new List<long>();
        for (var round = 0; round < 12; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => store.SaveAsync(Entry(at: t0.AddMinutes(round).AddMilliseconds(i), big: big + round + "-" + i), LeaseFence.None)));
            await store.ApplyRetentionAsync(_ => policy, t0.AddMinutes(round + 1), batchSize: 64);
            sizes.Add(await store.SizeBytesAsync());
        }
        // After warm-up the file is bounded: the last rounds are no bigger than the first post-retention peak (+10%).
        var plateau = sizes.Skip(2).Take(3).Max();
        Assert.All(sizes.Skip(5), s => Assert.True(s <= plateau * 1.1, $"size {s} grew past plateau {plateau}: {string.Join(",", sizes)}"));
        Assert.Equal(200, (await store.ListAsync("t1", "f1", new RunQuery(Limit: 200))).Items.Count);
    }

    [ContractFact]
    public async Task Save_PayloadCarriedByTwoSteps_StoredOnce()
    {
        await using var h = await StoreHarness.CreateAsync(Provider, (s, c) => s.AddRuns(c));
        var entry = Entry();
        await h.Get<ITraceStore>().SaveAsync(entry, LeaseFence.None);
        await using var c = await h.Get<ISqliteConnectionFactory>().OpenAsync(Databases.Traces);
        using var count = c.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM payloads";
        // input + the reply (out of step 0 and in of step 1) = 2, not 3.
        Assert.Equal(2L, (long)count.ExecuteScalar()!);
    }
}

public sealed class PostgresTraceStoreContract : TraceStoreContract
{
    protected override string Provider => StorageProviders.Postgres;

    // Orchestration's Postgres migration brings partition_leases, which fenced trace writes check.
    private Task<StoreHarness> CreateLeasedAsync() => StoreHarness.CreateAsync(Provider, (s, c) =>
    {
        s.AddRuns(c);
        s.AddMigrations("orchestration", typeof(Orchestration.OrchestrationModule).Assembly, Databases.Inbox);
    });

    [PostgresFact]
    public async Task Save_StaleEpoch_RefusedAndNothingWritten()
    {
        await using var h = await CreateLeasedAsync();
        var store = h.Get<ITraceStore>();
        var old = new LeaseFence(3, 1, "paused");
        await h.LeaseAsync(old);
        var first = Entry(status: "running");
        await store.SaveAsync(first, old);
        // Another instance takes the partition over; the paused one wakes and tries to finish its trace.
        var current = new LeaseFence(3, 2, "other");
        await h.LeaseAsync(current);
        first.Run.Status = "succeeded";
        var refused = await Assert.ThrowsAsync<FencedWriteException>(() => store.SaveAsync(first, old));
        Assert.Equal(old, refused.Fence);
        var late = Entry();
        await Assert.ThrowsAsync<FencedWriteException>(() => store.SaveAsync(late, old));
        Assert.Equal("running", (await store.GetSummaryAsync("t1", first.Run.RunId))!.Status);
        Assert.Equal(2, (await store.GetAsync("t1", first.Run.RunId))!.Steps.Count);
        Assert.Null(await store.GetSummaryAsync("t1", late.Run.RunId));
        // The current owner writes.
        await store.SaveAsync(first, current);
        Assert.Equal("succeeded", (await store.GetSummaryAsync("t1", first.Run.RunId))!.Status);
    }

    [PostgresFact]
    public async Task Save_PayloadCarriedByTwoSteps_StoredOnceInPostgres()
    {
        await using var h = await StoreHarness.CreateAsync(Provider, (s, c) => s.AddRuns(c));
        var entry = Entry();
        await h.Get<ITraceStore>().SaveAsync(entry, LeaseFence.None);
        await using var c = await h.Get<IPostgresConnectionFactory>().OpenAsync();
        Assert.Equal(2L, await c.ScalarAsync(null, "SELECT COUNT(*) FROM payloads", CancellationToken.None));
        Assert.True(await h.Get<ITraceStore>().SizeBytesAsync() > 0);
    }
}
