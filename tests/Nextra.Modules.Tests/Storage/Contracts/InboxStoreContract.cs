using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Orchestration.Stores;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Triggers;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>What every <see cref="IInboxStore"/> must do; one subclass per provider.</summary>
public abstract class InboxStoreContract
{
    protected abstract string Provider { get; }

    // Orchestration's migrations bring partition_leases (Postgres), which fenced claims check.
    protected Task<StoreHarness> CreateAsync() => StoreHarness.CreateAsync(Provider, (s, c) =>
    {
        s.AddTriggers(c);
        s.AddMigrations("orchestration", typeof(OrchestrationModule).Assembly, Databases.Inbox, after: "triggers");
        s.AddStore<IFlowRuntimeStore, SqliteFlowRuntimeStore, PostgresFlowRuntimeStore>();
    });

    internal static RunRequest Request(string flow = "f1", string? source = null, string tenant = "t1", DateTimeOffset? at = null) => new()
    {
        Id = RunIds.New(), TenantId = tenant, FlowId = flow, Source = source is null ? RunSource.ForWebhook("hook") : RunSource.Parse(source),
        Target = "start", PayloadClass = "Greeting", PayloadJson = """{"name":"ada"}""", CreatedAt = at ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    protected static LeaseFence Fence(int partition, long epoch, string owner = "me") => new(partition, epoch, owner);

    /// <summary>Claims under <paramref name="fence"/> after making it its partition's current lease.</summary>
    protected static async Task<IReadOnlyList<ClaimedRequest>> ClaimAsync(StoreHarness h, LeaseFence fence, int limit = 10)
    {
        await h.LeaseAsync(fence);
        return await h.Get<IInboxStore>().ClaimAsync([fence], limit);
    }

    [ContractFact]
    public async Task Append_ThenRead_RowPendingWithEveryField()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        var request = Request();
        await inbox.AppendAsync(request, 3, null);
        Assert.Equal(request, Assert.Single(await inbox.ListPendingAsync(null, 10)));
        Assert.Equal(request, await inbox.FindAsync("t1", request.Id));
        Assert.Null(await inbox.FindAsync("t2", request.Id));
        Assert.Empty(await inbox.ListPendingAsync("t2", 10));
        Assert.Equal(1, await inbox.MonthlyExecutionsAsync("t1", "2026-01"));
    }

    [ContractFact]
    public async Task Append_ManyConcurrent_AllCommittedAndCountedOnce()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        var requests = Enumerable.Range(0, 1000).Select(_ => Request()).ToList();
        await Task.WhenAll(requests.Select(r => inbox.AppendAsync(r, 0, null)));
        Assert.Equal(1000, await inbox.CountPendingAsync());
        Assert.Equal(1000, await inbox.MonthlyExecutionsAsync("t1", "2026-01"));
        await Task.WhenAll(requests.Take(700).Select(r => inbox.CompleteAsync(r.TenantId, r.Id, LeaseFence.None)));
        Assert.Equal(requests.Skip(700).Select(r => r.Id), (await inbox.ListPendingAsync(null, 1000)).Select(r => r.Id));
    }

    [ContractFact]
    public async Task Claim_LiveClaimHeld_NewerEpochTakesIt()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        var unclaimed = Request();
        var mine = Request();
        await inbox.AppendAsync(unclaimed, 5, null);
        await inbox.AppendAsync(mine, 5, Fence(5, 7));
        // Under epoch 7 only the unclaimed row is claimable: the other is already held under this epoch.
        var first = await ClaimAsync(h, Fence(5, 7));
        Assert.Equal([unclaimed.Id], first.Select(c => c.Request.Id));
        Assert.Empty(await ClaimAsync(h, Fence(5, 7)));
        // Other partitions see nothing.
        Assert.Empty(await ClaimAsync(h, Fence(6, 9)));
        // A newer epoch (restart, takeover) takes both, oldest first.
        var taken = await ClaimAsync(h, Fence(5, 8, "other"));
        Assert.Equal([unclaimed.Id, mine.Id], taken.Select(c => c.Request.Id));
        Assert.All(taken, c => Assert.Equal(8, c.Fence.Epoch));
    }

    [ContractFact]
    public async Task Claim_Limit_ReturnsOldestFirstInBatches()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        var requests = Enumerable.Range(0, 25).Select(_ => Request()).ToList();
        foreach (var r in requests) await inbox.AppendAsync(r, 1, null);
        var seen = new List<string>();
        IReadOnlyList<ClaimedRequest> batch;
        while ((batch = await ClaimAsync(h, Fence(1, 1))).Count > 0) seen.AddRange(batch.Select(b => b.Request.Id));
        Assert.Equal(requests.Select(r => r.Id), seen);
    }

    [ContractFact]
    public async Task MarkStarted_CountsAttemptsAndCancelIsReadByClaim()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        var request = Request();
        await inbox.AppendAsync(request, 2, Fence(2, 1));
        await h.LeaseAsync(Fence(2, 1));
        await inbox.MarkStartedAsync("t1", request.Id, Fence(2, 1));
        await inbox.MarkStartedAsync("t1", request.Id, Fence(2, 1));
        await inbox.MarkStartedAsync("t2", request.Id, Fence(2, 1)); // another tenant's id: no effect
        Assert.True(await inbox.RequestCancelAsync("t1", request.Id));
        Assert.False(await inbox.RequestCancelAsync("t2", request.Id));
        var claimed = Assert.Single(await ClaimAsync(h, Fence(2, 2)));
        Assert.Equal(2, claimed.Request.Attempts);
        Assert.True(claimed.CancelRequested);
        await inbox.CompleteAsync("t1", request.Id, claimed.Fence);
        Assert.False(await inbox.RequestCancelAsync("t1", request.Id));
    }

    [ContractFact]
    public async Task Release_ClaimedRowsAreClaimableUnderTheSameEpoch()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        var request = Request();
        await inbox.AppendAsync(request, 4, Fence(4, 3));
        Assert.Empty(await ClaimAsync(h, Fence(4, 3)));
        await inbox.ReleaseAsync([Fence(4, 3)]);
        Assert.Single(await ClaimAsync(h, Fence(4, 3)));
    }

    [ContractFact]
    public async Task AppendScheduled_SameSlotTwice_FiresOnce()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        var slot = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => inbox.AppendScheduledAsync(Request(source: "schedule:tick"), 0, null, "tick", slot)));
        Assert.Single(results, r => r);
        Assert.Equal(1, await inbox.CountPendingAsync());
        Assert.Equal(slot, await inbox.LastSlotAsync("t1", "f1", "tick"));
        Assert.True(await inbox.AppendScheduledAsync(Request(source: "schedule:tick"), 0, null, "tick", slot.AddMinutes(1)));
        Assert.False(await inbox.MarkSlotAsync("t1", "f1", "tick", slot, "x"));
        Assert.True(await inbox.MarkSlotAsync("t1", "f1", "tick", slot.AddMinutes(2), "x"));
        Assert.Equal(slot.AddMinutes(2), await inbox.LastSlotAsync("t1", "f1", "tick"));
        Assert.Equal(2, await inbox.PruneSlotsAsync(slot.AddMinutes(5)));
        Assert.Equal(slot.AddMinutes(2), await inbox.LastSlotAsync("t1", "f1", "tick"));
    }

    [ContractFact]
    public async Task WebhookTokens_InsertIfAbsentAndReplace()
    {
        await using var h = await CreateAsync();
        var tokens = h.Get<IWebhookTokenStore>();
        Assert.Equal("abc", await tokens.SetAsync("t1", "f1", "hook", "abc", replace: false, DateTimeOffset.UnixEpoch));
        Assert.Equal("abc", await tokens.SetAsync("t1", "f1", "hook", "def", replace: false, DateTimeOffset.UnixEpoch));
        Assert.Equal("ghi", await tokens.SetAsync("t1", "f1", "hook", "ghi", replace: true, DateTimeOffset.UnixEpoch));
        Assert.Equal("ghi", (await tokens.GetAsync("f1"))["hook"]);
        await tokens.DeleteAsync("t2", "f1"); // another tenant: no effect
        Assert.Single(await tokens.GetAsync("f1"));
        await tokens.DeleteAsync("t1", "f1");
        Assert.Empty(await tokens.GetAsync("f1"));
    }

    [ContractFact]
    public async Task FlowRuntime_KeepAliveAndError_ScopedToTenant()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IFlowRuntimeStore>();
        Assert.False(await store.GetKeepAliveAsync("t1", "f1"));
        await store.SetKeepAliveAsync("t1", "f1", true);
        await store.SetErrorAsync("t1", "f1", "boom");
        Assert.True(await store.GetKeepAliveAsync("t1", "f1"));
        Assert.Equal("boom", await store.GetErrorAsync("t1", "f1"));
        Assert.False(await store.GetKeepAliveAsync("t2", "f1"));
        Assert.Null(await store.GetErrorAsync("t2", "f1"));
        await store.SetErrorAsync("t1", "f1", null);
        Assert.Null(await store.GetErrorAsync("t1", "f1"));
        Assert.True(await store.GetKeepAliveAsync("t1", "f1"));
        await store.DeleteAsync("t1", "f1");
        Assert.False(await store.GetKeepAliveAsync("t1", "f1"));
    }

    [ContractFact]
    public async Task Claim_ManyConcurrentClaimers_EachRowClaimedOnce()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        var requests = Enumerable.Range(0, 300).Select(_ => Request()).ToList();
        await Task.WhenAll(requests.Select(r => inbox.AppendAsync(r, 3, null)));
        await h.LeaseAsync(Fence(3, 1));
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var mine = new List<string>();
            IReadOnlyList<ClaimedRequest> batch;
            while ((batch = await inbox.ClaimAsync([Fence(3, 1)], 7)).Count > 0) mine.AddRange(batch.Select(b => b.Request.Id));
            return mine;
        }));
        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(requests.Count, all.Count);
        Assert.Equal(requests.Select(r => r.Id).Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
    }
}

public sealed class SqliteInboxStoreContract : InboxStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;

    [ContractFact]
    public async Task Compact_AfterABacklogDrained_FileShrinks()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        var body = "{\"text\":\"" + new string('x', 8_000) + "\"}";
        var requests = Enumerable.Range(0, 2_000).Select(_ => Request() with { PayloadJson = body }).ToList();
        await Task.WhenAll(requests.Select(r => inbox.AppendAsync(r, 0, null)));
        await inbox.CompactAsync();
        var path = h.Get<ISqliteConnectionFactory>().PathOf(Databases.Inbox);
        var full = new FileInfo(path).Length;
        await Task.WhenAll(requests.Select(r => inbox.CompleteAsync(r.TenantId, r.Id, LeaseFence.None)));
        Assert.Equal(0, await inbox.CountPendingAsync());
        await inbox.CompactAsync();
        var drained = new FileInfo(path).Length;
        Assert.True(drained < full / 4, $"inbox.db is {drained} bytes after the backlog drained and compaction, {full} with it");
    }
}

public sealed class PostgresInboxStoreContract : InboxStoreContract
{
    protected override string Provider => StorageProviders.Postgres;

    [PostgresFact]
    public async Task Fencing_StaleEpoch_ClaimStartCompleteRefused()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        var request = Request();
        await inbox.AppendAsync(request, 7, null);
        var old = Fence(7, 1, "paused");
        var claimed = Assert.Single(await ClaimAsync(h, old));
        Assert.Equal(old, claimed.Fence);
        // Another instance takes the partition over while the first is paused.
        var current = Fence(7, 2, "other");
        await h.LeaseAsync(current);
        await Assert.ThrowsAsync<FencedWriteException>(() => inbox.ClaimAsync([old], 10));
        await Assert.ThrowsAsync<FencedWriteException>(() => inbox.MarkStartedAsync("t1", request.Id, old));
        var refused = await Assert.ThrowsAsync<FencedWriteException>(() => inbox.CompleteAsync("t1", request.Id, old));
        Assert.Equal(old, refused.Fence);
        // Nothing the stale owner did landed: the new owner claims the row with its attempts untouched and completes it.
        var taken = Assert.Single(await inbox.ClaimAsync([current], 10));
        Assert.Equal(0, taken.Request.Attempts);
        await inbox.MarkStartedAsync("t1", request.Id, current);
        await inbox.CompleteAsync("t1", request.Id, current);
        Assert.Equal(0, await inbox.CountPendingAsync());
    }

    [PostgresFact]
    public async Task Fencing_SameOwnerNewerEpoch_OldEpochRefused()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        await h.LeaseAsync(Fence(1, 4));
        await h.LeaseAsync(Fence(1, 5));
        await Assert.ThrowsAsync<FencedWriteException>(() => inbox.ClaimAsync([Fence(1, 4)], 10));
        Assert.Empty(await inbox.ClaimAsync([Fence(1, 5)], 10));
    }
}
