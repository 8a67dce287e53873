using Nextra.Modules.Triggers;
using Nextra.Modules.Triggers.Stores;

namespace Nextra.Modules.Tests.Runs;

public class InboxStoreTests
{
    private static InboxItem Item(string flow = "f1", string source = "webhook:hook") => new()
    {
        Id = InboxItem.NewId(), TenantId = "t1", FlowId = flow, Source = source, Target = "start", PayloadClass = "Greeting",
        PayloadJson = """{"name":"ada"}""", CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public async Task AddAsync_ThenReopen_RowIsStillPending()
    {
        using var dir = new TempDir();
        var item = Item();
        await using (var store = new InboxStore(dir.File("inbox.db"))) await store.AddAsync(item);
        await using var reopened = new InboxStore(dir.File("inbox.db"));
        var pending = Assert.Single(reopened.ListPending());
        Assert.Equal(item, pending);
    }

    [Fact]
    public async Task AddAsync_ManyConcurrent_AllCommittedInOrderOfIds()
    {
        using var dir = new TempDir();
        await using var store = new InboxStore(dir.File("inbox.db"));
        var items = Enumerable.Range(0, 2000).Select(_ => Item()).ToList();
        await Task.WhenAll(items.Select(store.AddAsync));
        Assert.Equal(2000, store.CountPending());
        await Task.WhenAll(items.Take(1500).Select(i => store.RemoveAsync(i.Id)));
        Assert.Equal(items.Skip(1500).Select(i => i.Id), store.ListPending().Select(i => i.Id));
    }

    [Fact]
    public async Task AddScheduledAsync_SameSlotTwice_FiresOnce()
    {
        using var dir = new TempDir();
        await using var store = new InboxStore(dir.File("inbox.db"));
        var slot = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => store.AddScheduledAsync(Item(source: "schedule:tick"), "tick", slot)));
        Assert.Single(results, r => r);
        Assert.Equal(1, store.CountPending());
        Assert.Equal(slot, store.LastSlot("f1", "tick"));
        Assert.True(await store.AddScheduledAsync(Item(source: "schedule:tick"), "tick", slot.AddMinutes(1)));
        Assert.Equal(slot.AddMinutes(1), store.LastSlot("f1", "tick"));
    }

    [Fact]
    public async Task SetToken_Rotate_ReplacesToken()
    {
        using var dir = new TempDir();
        await using var store = new InboxStore(dir.File("inbox.db"));
        store.SetToken("f1", "hook", "abc", DateTimeOffset.UnixEpoch);
        store.SetToken("f1", "hook", "def", DateTimeOffset.UnixEpoch);
        var token = Assert.Single(store.ListTokens());
        Assert.Equal("def", token.Token);
    }

    [Fact]
    public async Task KeepAlive_SetAndGet_RoundTrips()
    {
        using var dir = new TempDir();
        await using var store = new InboxStore(dir.File("inbox.db"));
        Assert.False(store.GetKeepAlive("f1"));
        store.SetKeepAlive("f1", true);
        Assert.True(store.GetKeepAlive("f1"));
    }
}
