using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Storage;
using Nextra.Modules.Tests.Storage;

namespace Nextra.Modules.Tests.Cluster;

/// <summary>Partition leases on Postgres, several instances on one database.</summary>
public sealed class PostgresOwnershipTests
{
    private static PostgresFlowOwnership Instance(StoreHarness h, string id, int partitions = 8, int leaseSeconds = 3) =>
        new(h.Get<IPostgresConnectionFactory>(), Options.Create(new ClusterOptions { Partitions = partitions, LeaseSeconds = leaseSeconds, InstanceId = id }),
            NullLogger<PostgresFlowOwnership>.Instance);

    private static Task<StoreHarness> HarnessAsync() => StoreHarness.CreateAsync(StorageProviders.Postgres,
        (s, c) => s.AddMigrations("orchestration", typeof(OrchestrationModule).Assembly, Databases.Inbox));

    [PostgresFact]
    public async Task TwoInstances_SplitThePartitions_NoneOwnedTwice_TakeOverWhenOneStops()
    {
        await using var h = await HarnessAsync();
        var a = Instance(h, "a");
        var b = Instance(h, "b");
        var la = new Listener();
        var lb = new Listener();
        await a.StartAsync(la, default);
        await Poll(() => la.Held.Count == 8); // alone: everything (the listener hears of it on its own task)
        await b.StartAsync(lb, default);
        // a gives back above its fair share on its next cycles; b takes them.
        for (var i = 0; i < 10 && lb.Held.Count < 4; i++)
        {
            await a.CycleAsync(default);
            await b.CycleAsync(default);
            await Task.Delay(50);
        }
        await Poll(() => la.Held.Count == 4 && lb.Held.Count == 4);
        Assert.Empty(la.Held.Keys.Intersect(lb.Held.Keys));
        var flowsOfB = Enumerable.Range(0, 200).Select(i => "flow-" + i).Where(f => lb.Held.ContainsKey(b.PartitionOf(f))).ToList();
        Assert.All(flowsOfB, f => Assert.True(b.TryGetLease(f, out _) && !a.TryGetLease(f, out _)));
        var before = lb.Held.ToDictionary();

        await b.StopAsync(default); // hands its partitions back at once
        await Poll(() => lb.Held.Count == 0);
        await a.CycleAsync(default);
        await Poll(() => la.Held.Count == 8);
        // Every partition b held changed hands under a newer epoch.
        Assert.All(before, kv => Assert.True(la.Held[kv.Key] > kv.Value));
        var owner = await a.OwnerOfAsync(flowsOfB[0], default);
        Assert.Equal("a", owner!.InstanceId);
        await a.StopAsync(default);
    }

    [PostgresFact]
    public async Task PausedInstance_LeaseExpires_OtherTakesOverWithNewerEpoch_PausedOneDropsItsLease()
    {
        await using var h = await HarnessAsync();
        var a = Instance(h, "a", partitions: 4, leaseSeconds: 3);
        var la = new Listener();
        await a.StartAsync(la, default);
        Assert.True(a.TryGetLease("f", out var old));
        // "Pause" a: its renewal loop stops without handing anything back (as kill -STOP would).
        await ((IAsyncDisposable)a).DisposeAsync();
        var b = Instance(h, "b", partitions: 4, leaseSeconds: 3);
        var lb = new Listener();
        await b.StartAsync(lb, default);
        await Task.Delay(200);
        Assert.Empty(lb.Held); // a's leases are still live
        await Poll(async () =>
        {
            await b.CycleAsync(default);
            return lb.Held.Count == 4;
        }, seconds: 15);
        Assert.True(b.TryGetLease("f", out var fresh));
        Assert.True(fresh.Epoch > old.Epoch);
        // a's own view has run out too: it no longer claims the flow, though nobody told it.
        Assert.False(a.TryGetLease("f", out _));
        await b.StopAsync(default);
    }

    private static async Task Poll(Func<bool> done, double seconds = 10) => await Poll(() => Task.FromResult(done()), seconds);

    private static async Task Poll(Func<Task<bool>> done, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(50);
        }
    }

    private sealed class Listener : IOwnershipListener
    {
        public System.Collections.Concurrent.ConcurrentDictionary<int, long> Held { get; } = new();

        public Task AcquiredAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct)
        {
            foreach (var f in fences) Held[f.Partition] = f.Epoch;
            return Task.CompletedTask;
        }

        public Task LostAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct)
        {
            foreach (var f in fences) Held.TryRemove(f.Partition, out _);
            return Task.CompletedTask;
        }
    }
}
