using Microsoft.Extensions.Logging.Abstractions;
using Nextra.Modules.Cluster;
using Nextra.Modules.Common;
using Nextra.Modules.Observability;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tests.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Tests.Cluster;

/// <summary>The Redis implementations of the shared seams, each used by two "instances" (two connections) at once.</summary>
public sealed class RedisSeamTests
{
    [RedisFact]
    public async Task RateLimiter_BucketSharedByInstances_RefusedWithRetryAfterThenRefilled()
    {
        var prefix = RedisHarness.NewPrefix();
        using var a = RedisHarness.Connect(prefix);
        using var b = RedisHarness.Connect(prefix);
        var one = new RedisRateLimiter(a);
        var two = new RedisRateLimiter(b);
        // One permit a second: slow enough that a loaded machine does not refill the bucket between the calls.
        var rule = new RateLimitRule(PermitsPerSecond: 1, Burst: 3);
        Assert.True((await one.TryAcquireAsync("hook", rule)).Allowed);
        Assert.True((await two.TryAcquireAsync("hook", rule)).Allowed);
        Assert.True((await one.TryAcquireAsync("hook", rule)).Allowed);
        var refused = await two.TryAcquireAsync("hook", rule);
        Assert.False(refused.Allowed);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1000));
        Assert.True((await one.TryAcquireAsync("other", rule)).Allowed);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!(await one.TryAcquireAsync("hook", rule)).Allowed)
        {
            Assert.True(DateTime.UtcNow < deadline, "never refilled");
            await Task.Delay(20);
        }
    }

    [RedisFact]
    public async Task QuotaCounter_SharedLimit_SeededFromTheDurableCountAndReleased()
    {
        var prefix = RedisHarness.NewPrefix();
        using var a = RedisHarness.Connect(prefix);
        using var b = RedisHarness.Connect(prefix);
        var durable = new FixedCount(3);
        var one = new RedisQuotaCounter(a, [durable]);
        var two = new RedisQuotaCounter(b, [durable]);
        // The database already counted 3 this month: 2 more fit under 5, across both instances.
        Assert.True(await one.TryReserveAsync("t1", QuotaCounters.Executions, "2026-03", 5));
        Assert.True(await two.TryReserveAsync("t1", QuotaCounters.Executions, "2026-03", 5));
        Assert.False(await one.TryReserveAsync("t1", QuotaCounters.Executions, "2026-03", 5));
        Assert.Equal(5, await two.GetAsync("t1", QuotaCounters.Executions, "2026-03"));
        await two.ReleaseAsync("t1", QuotaCounters.Executions, "2026-03");
        Assert.True(await one.TryReserveAsync("t1", QuotaCounters.Executions, "2026-03", 5));
        Assert.Equal(1, durable.Reads); // read once, then Redis holds the count
        // Concurrent reservations never pass the limit.
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? one : two).TryReserveAsync("t2", "x", "p", 20).AsTask()));
        Assert.Equal(20, results.Count(r => r));
    }

    [RedisFact]
    public async Task CacheInvalidator_InvalidatedOnOneInstance_HeardOnTheOther()
    {
        var prefix = RedisHarness.NewPrefix();
        using var a = RedisHarness.Connect(prefix);
        using var b = RedisHarness.Connect(prefix);
        var one = new RedisCacheInvalidator(a, NullLogger<RedisCacheInvalidator>.Instance);
        var two = new RedisCacheInvalidator(b, NullLogger<RedisCacheInvalidator>.Instance);
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var heardHere = 0;
        using var s1 = two.Subscribe("webhook-tokens", key => heard.TrySetResult(key));
        using var s2 = one.Subscribe("webhook-tokens", _ => Interlocked.Increment(ref heardHere));
        await one.InvalidateAsync("webhook-tokens", "flow-1");
        Assert.Equal("flow-1", await heard.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, heardHere); // the sender's own copy is not delivered twice
    }

    [RedisFact]
    public async Task RunSignals_FinishedOnOneInstance_AnswersTheWaiterOnTheOther()
    {
        var prefix = RedisHarness.NewPrefix();
        await using var store = await StoreHarness.CreateAsync(StorageProviders.Sqlite, (s, c) => s.AddRuns(c));
        var traces = store.Get<ITraceStore>();
        using var a = RedisHarness.Connect(prefix);
        using var b = RedisHarness.Connect(prefix);
        var one = new RedisRunSignals(a, new InProcessRunSignals(), traces, NullLogger<RedisRunSignals>.Instance);
        var two = new RedisRunSignals(b, new InProcessRunSignals(), traces, NullLogger<RedisRunSignals>.Instance);
        var entry = Storage.Contracts.TraceStoreContract.Entry();
        using var waiter = two.WaitFor("t1", entry.Run.RunId);
        await traces.SaveAsync(entry, LeaseFence.None);
        await one.RunFinishedAsync("t1", RunView.From("f1", "webhook:hook", entry.Run));
        var run = await waiter.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(entry.Run.RunId, run.RunId);
        Assert.Equal(2, run.Steps.Count);

        var handler = new Recorder();
        using var subscription = two.Subscribe(handler);
        await one.CancelRequestedAsync(new RunSignal("t1", "f1", "r1"));
        await one.WakeFlowAsync(new FlowSignal("t1", "f1"));
        await one.FlowChangedAsync(new FlowSignal("t1", "f1", "saved"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (handler.Seen.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(["cancel r1", "wake f1", "changed f1 saved"], handler.Seen);
    }

    [RedisFact]
    public async Task LiveEvents_PublishedOnOneInstance_DeliveredToTheOthersSinks()
    {
        var prefix = RedisHarness.NewPrefix();
        await using var store = await StoreHarness.CreateAsync(StorageProviders.Sqlite, (s, c) => s.AddRuns(c));
        var traces = store.Get<ITraceStore>();
        using var a = RedisHarness.Connect(prefix);
        using var b = RedisHarness.Connect(prefix);
        var sinkA = new Sink();
        var sinkB = new Sink();
        var one = new RedisLiveEvents(a, new LiveEventBus([sinkA], traces, NullLogger<LiveEventBus>.Instance), NullLogger<RedisLiveEvents>.Instance);
        _ = new RedisLiveEvents(b, new LiveEventBus([sinkB], traces, NullLogger<LiveEventBus>.Instance), NullLogger<RedisLiveEvents>.Instance);
        one.Publish(new FlowStatusEvent("t1", "f1", "running", null));
        one.Publish(new LogEvent("t1", "f1", new LogLine(DateTimeOffset.UnixEpoch, "info", "hello")));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sinkB.Events.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(2, sinkA.Events.Count);
        Assert.Equal(2, sinkB.Events.Count);
        Assert.Equal("hello", Assert.IsType<LogEvent>(sinkB.Events[1]).Line.Message);
        // The log line was stored once, by the publisher.
        for (var i = 0; i < 100 && (await traces.RecentLogsAsync("t1", "f1", 10)).Count == 0; i++) await Task.Delay(20);
        Assert.Single(await traces.RecentLogsAsync("t1", "f1", 10));
    }

    private sealed class FixedCount(long count) : IQuotaCountSource
    {
        public int Reads;
        public string Counter => QuotaCounters.Executions;

        public Task<long> DurableCountAsync(string tenantId, string period, CancellationToken ct)
        {
            Interlocked.Increment(ref Reads);
            return Task.FromResult(count);
        }
    }

    private sealed class Recorder : IRunSignalHandler
    {
        public List<string> Seen { get; } = [];
        public void CancelRequested(RunSignal signal) { lock (Seen) Seen.Add("cancel " + signal.RunId); }
        public void WakeRequested(FlowSignal signal) { lock (Seen) Seen.Add("wake " + signal.FlowId); }
        public void FlowChanged(FlowSignal signal) { lock (Seen) Seen.Add($"changed {signal.FlowId} {signal.Change}"); }
    }

    private sealed class Sink : ILiveEventSink
    {
        public List<LiveEvent> Events { get; } = [];
        public void Deliver(LiveEvent e) { lock (Events) Events.Add(e); }
    }
}
