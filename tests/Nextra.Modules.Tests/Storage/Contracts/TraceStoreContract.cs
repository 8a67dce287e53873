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
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected abstract string Provider { get; }

    /// <summary>Characters the run's rows hold in the columns that carry payloads (payloads.body, runs.injection, runs.outputs).</summary>
    protected abstract Task<long> StoredCharsAsync(StoreHarness h, string runId);

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
    public async Task Save_FinalRun_AddedToItsSlaMinuteByTheTimeItCompletes()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        var ok = Entry(at: T0.AddSeconds(5));
        var failed = Entry(at: T0.AddSeconds(6), status: "failed");
        failed.Run.Error = new StepError("handler_crashed", "boom");
        await store.SaveAsync(ok, LeaseFence.None);
        await store.SaveAsync(failed, LeaseFence.None);
        // A half-way trace is not a finished run: no count.
        await store.SaveAsync(Entry(at: T0.AddSeconds(7), status: "running"), LeaseFence.None);
        await store.SaveAsync(Entry(at: T0.AddSeconds(8), tenant: "t2"), LeaseFence.None);
        var rollup = Assert.Single(await h.Get<IRunRollupStore>().SinceAsync("t1", T0.AddMinutes(-1)));
        Assert.Equal(("f1", 2L, 1L, 1L), (rollup.FlowId, rollup.Runs, rollup.Succeeded, rollup.Failed));
        Assert.Equal(2L, rollup.Buckets[RunRollups.BucketOf(3)]);
        Assert.Equal(1L, rollup.Errors["handler_crashed"]);
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
    public async Task Save_LargeXmlBody_StoredOnceNotEscaped()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        // 684 KB of XML, most of it markup: the injection, step 0's input and the output all carry it.
        var body = "<Ticket><Subject>" + string.Concat(Enumerable.Repeat("<a x=\"1\">&amp;</a>", 38_000)) + "</Subject></Ticket>";
        var run = new RunRecord
        {
            RunId = RunIds.New(), Status = "succeeded", StartedAt = T0,
            Outputs = [new RunOutput { Listener = "out", Class = "Ticket", Payload = new() { ["subject"] = "&" }, Xml = body }],
            Steps = [new RunStep { Index = 0, Listener = "out", From = "webhook", Class = "Ticket", Thread = "th", PayloadIn = body }],
        };
        var entry = new TraceEntry("t1", "f1", "webhook:hook", new RecordedInjection("out", "Ticket", body, null), run);
        await store.SaveAsync(entry, LeaseFence.None);
        var stored = await StoredCharsAsync(h, run.RunId);
        // Once, raw: the body plus a few hundred characters of columns (it was four copies, three of them escaped).
        Assert.True(stored < body.Length + 1_000, $"{stored} characters stored for a {body.Length}-character body");
        Assert.Equal(body, (await store.GetInjectionAsync("t1", run.RunId))!.PayloadXml);
        var view = (await store.GetAsync("t1", run.RunId))!;
        Assert.Equal(body, view.Outputs[0].Xml);
        Assert.Equal("&", view.Outputs[0].Payload["subject"]!.GetValue<string>());
        Assert.Equal(body, view.Steps[0].PayloadIn);
    }

    [ContractFact]
    public async Task Save_InjectedBodyDifferingOnlyInForm_StoredOnceAsTheStepInput()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        var input = "<Greeting><name a=\"1\">ada &amp; bob</name></Greeting>";
        var sent = "<?xml version=\"1.0\"?><Greeting><name a='1'>ada &#38; bob</name></Greeting>";
        var entry = Entry(big: input) with { Injection = new RecordedInjection("greet", "Greeting", sent, null) };
        await store.SaveAsync(entry, LeaseFence.None);
        // Same tree: the step's input stands for the body (a replay parses to the same payload).
        Assert.Equal(input, (await store.GetInjectionAsync("t1", entry.Run.RunId))!.PayloadXml);
        var repaired = Entry() with { Injection = new RecordedInjection("greet", "Greeting", "<Greeting><name>ada</Greeting>", null) };
        await store.SaveAsync(repaired, LeaseFence.None);
        // A body that does not parse as it is (the pump repaired it) is kept verbatim.
        Assert.Equal("<Greeting><name>ada</Greeting>", (await store.GetInjectionAsync("t1", repaired.Run.RunId))!.PayloadXml);
    }

    [ContractFact]
    public async Task Save_JsonInjection_ComesBackForReplay()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        var entry = Entry() with { Injection = new RecordedInjection(null, "Greeting", null, """{"name":"<ada> & \"bob\""}""") };
        await store.SaveAsync(entry, LeaseFence.None);
        var injection = (await store.GetInjectionAsync("t1", entry.Run.RunId))!;
        Assert.Equal(entry.Injection, injection);
        Assert.Null(await store.GetInjectionAsync("t2", entry.Run.RunId));
    }

    [ContractFact]
    public async Task DeleteOldest_AcrossTenantsAndFlows_OldestGoFirst()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        var entries = Enumerable.Range(0, 12).Select(i => Entry(flow: "f" + (i % 3), tenant: "t" + (i % 2), at: T0.AddSeconds(i))).ToList();
        foreach (var e in entries) await store.SaveAsync(e, LeaseFence.None);
        Assert.Equal(12, (await store.UsageAsync()).Runs);
        var before = (await store.UsageAsync()).Bytes;
        Assert.Equal(5, await store.DeleteOldestAsync(5));
        foreach (var (e, i) in entries.Select((e, i) => (e, i)))
            Assert.Equal(i >= 5, await store.GetSummaryAsync(e.TenantId, e.Run.RunId) is not null);
        var usage = await store.UsageAsync();
        Assert.Equal(7, usage.Runs);
        Assert.True(usage.Bytes <= before, $"{usage.Bytes} bytes after deleting, {before} before");
        Assert.Equal(7, await store.DeleteOldestAsync(100));
        Assert.Equal(0, (await store.UsageAsync()).Runs);
    }

    [ContractFact]
    public async Task Budget_HistoryOverIt_OldestRunsOfAnyFlowGoUntilUnder()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ITraceStore>();
        var big = "<Greeting><name>" + new string('x', 20_000) + "</name></Greeting>";
        var entries = Enumerable.Range(0, 120).Select(i => Entry(flow: "f" + (i % 4), tenant: "t" + (i % 2), at: T0.AddSeconds(i), big: big + i)).ToList();
        foreach (var e in entries) await store.SaveAsync(e, LeaseFence.None);
        var full = await store.UsageAsync();
        var budget = full.Bytes / 2;
        var deleted = await HistoryBudget.EnforceAsync(store, budget, batchSize: 16);
        var after = await store.UsageAsync();
        Assert.True(after.Bytes <= budget * HistoryBudget.Target, $"{after.Bytes} bytes in use after the pass, budget {budget}");
        Assert.Equal(deleted, full.Runs - after.Runs);
        Assert.InRange(deleted, 40, 100);
        // Oldest first, server-wide: what is left is the newest runs, whatever their flow or tenant.
        foreach (var (e, i) in entries.Select((e, i) => (e, i)))
            Assert.Equal(i >= deleted, await store.GetSummaryAsync(e.TenantId, e.Run.RunId) is not null);
        // Within the budget, a pass deletes nothing.
        Assert.Equal(0, await HistoryBudget.EnforceAsync(store, budget, batchSize: 16));
        Assert.Equal(0, await HistoryBudget.EnforceAsync(store, 0, batchSize: 16));
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

    protected override async Task<long> StoredCharsAsync(StoreHarness h, string runId)
    {
        await using var c = await h.Get<ISqliteConnectionFactory>().OpenAsync(Databases.Traces);
        using var command = c.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COALESCE(SUM(length(body)), 0) FROM payloads WHERE run_id = $r)
                 + (SELECT length(injection) + length(outputs) FROM runs WHERE run_id = $r)
            """;
        command.Parameters.AddWithValue("$r", runId);
        return (long)command.ExecuteScalar()!;
    }

    [ContractFact]
    public async Task Budget_FileOverIt_ShrinksOnDisk()
    {
        await using var h = await StoreHarness.CreateAsync(Provider, (s, c) => s.AddRuns(c));
        var store = h.Get<ITraceStore>();
        var big = "<Greeting><name>" + new string('x', 20_000) + "</name></Greeting>";
        for (var i = 0; i < 200; i++) await store.SaveAsync(Entry(at: T0.AddSeconds(i), big: big + i), LeaseFence.None);
        await store.CompactAsync();
        var full = await store.SizeBytesAsync();
        var budget = full / 3;
        Assert.True(await HistoryBudget.EnforceAsync(store, budget, batchSize: 50) > 0);
        var size = await store.SizeBytesAsync();
        // The file itself (and its WAL) is back under the budget, not only the pages in use.
        Assert.True(size <= budget, $"traces.db and WAL take {size} bytes after the pass, budget {budget} (was {full})");
    }

    [ContractFact]
    public async Task Injection_WrittenBeforeThePayloadsLayout_StillReads()
    {
        await using var h = await StoreHarness.CreateAsync(Provider, (s, c) => s.AddRuns(c));
        await using (var c = await h.Get<ISqliteConnectionFactory>().OpenAsync(Databases.Traces))
        {
            using var insert = c.CreateCommand();
            insert.CommandText = """
                INSERT INTO runs(run_id, tenant_id, flow_id, trigger, status, started_at, duration_ms, step_count, outputs, injection)
                VALUES('old', 't1', 'f1', 'manual', 'succeeded', '2026-01-01T00:00:00.0000000+00:00', 1, 0,
                       '[{"listener":"out","class":"Reply","payload":{"text":"hi"},"xml":"\u003CReply\u003E\u003Ctext\u003Ehi\u003C/text\u003E\u003C/Reply\u003E"}]',
                       '{"target":"greet","payloadClass":"Greeting","payloadXml":"\u003CGreeting/\u003E","payloadJson":null}')
                """;
            insert.ExecuteNonQuery();
        }
        var store = h.Get<ITraceStore>();
        Assert.Equal(new RecordedInjection("greet", "Greeting", "<Greeting/>", null), await store.GetInjectionAsync("t1", "old"));
        Assert.Equal("<Reply><text>hi</text></Reply>", (await store.GetAsync("t1", "old"))!.Outputs[0].Xml);
    }

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

    protected override async Task<long> StoredCharsAsync(StoreHarness h, string runId)
    {
        await using var c = await h.Get<IPostgresConnectionFactory>().OpenAsync();
        return Convert.ToInt64(await c.ScalarAsync(null, """
            SELECT (SELECT COALESCE(SUM(length(body)), 0) FROM payloads WHERE run_id = @r)
                 + (SELECT length(injection) + length(outputs) FROM runs WHERE run_id = @r)
            """, CancellationToken.None, ("r", runId)), System.Globalization.CultureInfo.InvariantCulture);
    }

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
        // The refused traces added nothing to the SLA minute; the accepted one did.
        Assert.Equal(1L, Assert.Single(await h.Get<IRunRollupStore>().SinceAsync("t1", T0.AddMinutes(-1))).Runs);
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
