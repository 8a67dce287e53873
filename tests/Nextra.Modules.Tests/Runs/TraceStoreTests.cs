using Nextra.Modules.Runs;
using Nextra.Modules.Runs.Stores;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Tests.Runs;

public class TraceStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static TraceEntry Entry(string flow = "f1", DateTimeOffset? at = null, string status = "succeeded", string? big = null)
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
        return new TraceEntry("t1", flow, "webhook:hook", new RecordedInjection("greet", "Greeting", input, null), run);
    }

    [Fact]
    public async Task SaveAsync_ThenGet_ReturnsEveryStepAndPayload()
    {
        using var dir = new TempDir();
        await using var store = new TraceStore(dir.File("traces.db"));
        var entry = Entry(status: "failed");
        await store.SaveAsync(entry);
        var run = store.Get(entry.Run.RunId)!;
        Assert.Equal("failed", run.Status);
        Assert.Equal("webhook:hook", run.Trigger);
        Assert.Equal(2, run.Steps.Count);
        Assert.Equal(entry.Run.Steps[0].PayloadIn, run.Steps[0].PayloadIn);
        Assert.Equal(entry.Run.Steps[0].PayloadsOut, run.Steps[0].PayloadsOut);
        Assert.Equal(42UL, run.Steps[0].Fuel);
        Assert.Equal(0.0012m, run.Steps[1].CostUsd);
        Assert.Equal("handler_crashed", run.Steps[1].Error!.Code);
        Assert.Equal("hello ada", run.Outputs[0].Payload["text"]!.GetValue<string>());
        Assert.Equal("greet", store.GetInjection(entry.Run.RunId)!.Target);
    }

    [Fact]
    public async Task SaveAsync_PayloadCarriedByTwoSteps_StoredOnce()
    {
        using var dir = new TempDir();
        await using var store = new TraceStore(dir.File("traces.db"));
        var entry = Entry();
        await store.SaveAsync(entry);
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.Path}");
        c.Open();
        using var count = c.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM payloads";
        // input + the reply (out of step 0 and in of step 1) = 2, not 3.
        Assert.Equal(2L, (long)count.ExecuteScalar()!);
    }

    [Fact]
    public async Task List_Paged_WalksAllRunsNewestFirst()
    {
        using var dir = new TempDir();
        await using var store = new TraceStore(dir.File("traces.db"));
        var entries = Enumerable.Range(0, 25).Select(i => Entry(at: T0.AddSeconds(i), status: i % 5 == 0 ? "failed" : "succeeded")).ToList();
        await Task.WhenAll(entries.Select(store.SaveAsync));
        var seen = new List<string>();
        string? before = null;
        do
        {
            var page = store.List("f1", null, before, null, null, 10);
            seen.AddRange(page.Items.Select(i => i.RunId));
            before = page.NextBefore;
        } while (before is not null);
        Assert.Equal(entries.Select(e => e.Run.RunId).Reverse(), seen);
        Assert.Equal(5, store.List("f1", "failed", null, null, null, 50).Items.Count);
        Assert.Equal(10, store.List("f1", null, null, T0.AddSeconds(15), null, 50).Items.Count);
        Assert.Empty(store.List("other", null, null, null, null, 50).Items);
    }

    [Fact]
    public async Task ApplyRetention_CountAndAge_KeepsNewestWithinPolicy()
    {
        using var dir = new TempDir();
        await using var store = new TraceStore(dir.File("traces.db"));
        var now = T0.AddDays(10);
        var old = Enumerable.Range(0, 5).Select(i => Entry(at: T0.AddSeconds(i))).ToList();
        var recent = Enumerable.Range(0, 30).Select(i => Entry(at: now.AddSeconds(-100 + i))).ToList();
        foreach (var e in old.Concat(recent)) await store.SaveAsync(e);
        var deleted = store.ApplyRetention(_ => new RetentionPolicy { MaxRunsPerFlow = 20, MaxAgeDays = 1 }, now, batchSize: 7);
        Assert.Equal(15, deleted);
        var kept = store.List("f1", null, null, null, null, 200).Items.Select(i => i.RunId);
        Assert.Equal(recent.Skip(10).Select(e => e.Run.RunId).Reverse(), kept);
        Assert.Null(store.Get(old[0].Run.RunId));
    }

    [Fact]
    public async Task ApplyRetention_SustainedLoad_FilesStopGrowing()
    {
        using var dir = new TempDir();
        await using var store = new TraceStore(dir.File("traces.db"));
        var big = "<Greeting><name>" + new string('x', 8_000) + "</name></Greeting>";
        var policy = new RetentionPolicy { MaxRunsPerFlow = 200, MaxAgeDays = 365 };
        var sizes = new List<long>();
        for (var round = 0; round < 12; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => store.SaveAsync(Entry(at: T0.AddMinutes(round).AddMilliseconds(i), big: big + round + "-" + i))));
            store.ApplyRetention(_ => policy, T0.AddMinutes(round + 1), batchSize: 64);
            sizes.Add(store.FileBytes());
        }
        // After warm-up the file is bounded: the last rounds are no bigger than the first post-retention peak (+10%).
        var plateau = sizes.Skip(2).Take(3).Max();
        Assert.All(sizes.Skip(5), s => Assert.True(s <= plateau * 1.1, $"size {s} grew past plateau {plateau}: {string.Join(",", sizes)}"));
        Assert.Equal(200, store.List("f1", null, null, null, null, 200).Items.Count);
    }
}
