using System.Xml.Linq;
using Nextra.Modules.Cluster;
using Nextra.Pump.Memory;

namespace Nextra.Modules.Tests.Cluster;

/// <summary>
/// What every engine <see cref="ISharedBackend"/> must do: the in-memory one always, and Redis when
/// <c>NEXTRA_TEST_REDIS</c> is set (.ci/run sets it), run the same cases.
/// </summary>
public sealed class SharedBackendContract : IDisposable
{
    private readonly string _prefix = RedisHarness.NewPrefix();
    private readonly Dictionary<string, ISharedBackend> _backends = [];
    private RedisConnection? _redis;

    public static TheoryData<string> Backends()
    {
        var data = new TheoryData<string> { "memory" };
        if (RedisFactAttribute.Configuration is not null) data.Add("redis");
        return data;
    }

    private ISharedBackend Create(string provider, string flowId)
    {
        var key = provider + "/" + flowId;
        if (_backends.TryGetValue(key, out var existing)) return existing;
        ISharedBackend backend = provider == "redis"
            ? new RedisSharedBackend(_redis ??= RedisHarness.Connect(_prefix), "t1", flowId, TimeSpan.FromMinutes(5))
            : new InMemorySharedBackend();
        return _backends[key] = backend;
    }

    public void Dispose() => _redis?.Dispose();

    private static StoredSlot Slot(string text) => new("a", "b", "Greeting", new XElement("Greeting", new XElement("name", text)), DateTimeOffset.UnixEpoch);

    [Theory, MemberData(nameof(Backends))]
    public async Task Buffer_AppendReadDelete_InOrder(string provider)
    {
        var backend = Create(provider, "f1");
        Assert.Equal(0, await backend.BufferAppendAsync("th1", Slot("x"), default));
        Assert.Equal(1, await backend.BufferAppendAsync("th1", Slot("y"), default));
        Assert.Equal(0, await backend.BufferAppendAsync("th2", Slot("z"), default));
        Assert.Equal(2, await backend.BufferThreadLengthAsync("th1", default));
        Assert.Equal(["x", "y"], (await backend.BufferGetThreadAsync("th1", default)).Select(s => XElement.Parse(s.PayloadXml).Value));
        Assert.Contains("y", (await backend.BufferGetSlotAsync("th1", 1, default))!.PayloadXml);
        Assert.Null(await backend.BufferGetSlotAsync("th1", 5, default));
        Assert.Equal(["th1", "th2"], await backend.BufferListThreadsAsync(default));
        Assert.True(await backend.BufferDeleteThreadAsync("th1", default));
        Assert.False(await backend.BufferThreadExistsAsync("th1", default));
        Assert.Equal(["th2"], await backend.BufferListThreadsAsync(default));
        // Another flow's state is separate.
        Assert.Empty(await Create(provider, "f2").BufferListThreadsAsync(default));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Registry_GetOrAddIsSetOnceAndDeletesBothWays(string provider)
    {
        var backend = Create(provider, "f1");
        Assert.Equal("u1", await backend.RegistryGetOrAddAsync("a.b", "u1", default));
        Assert.Equal("u1", await backend.RegistryGetOrAddAsync("a.b", "u2", default));
        Assert.Equal("a.b", await backend.RegistryGetChainAsync("u1", default));
        await backend.RegistrySetAsync("a.c", "u3", default);
        Assert.Equal("u3", await backend.RegistryGetUuidAsync("a.c", default));
        Assert.Equal(2, (await backend.RegistryListAllAsync(default)).Count);
        Assert.True(await backend.RegistryDeleteAsync("u1", default));
        Assert.False(await backend.RegistryDeleteAsync("u1", default));
        Assert.Null(await backend.RegistryGetUuidAsync("a.b", default));
        await backend.RegistryClearAsync(default);
        Assert.Empty(await backend.RegistryListAllAsync(default));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Gather_FillOnceClaimCloseAndReopenUnderANewEpoch(string provider)
    {
        var backend = Create(provider, "f1");
        var opened = await backend.GatherOpenAsync("g1", 3, 1234, "e1", default);
        Assert.Equal((3, 1234L, false, 0), (opened.Slots, opened.DeadlineUnixMs, opened.Closed, opened.Filled.Count));
        Assert.Equal(0, await backend.GatherClaimNextAsync("g1", default));
        var fill = await backend.GatherFillAsync("g1", 1, [1, 2], default);
        Assert.Equal((true, false, 1, 3), (fill.Accepted, fill.Closed, fill.Filled, fill.Slots));
        Assert.False((await backend.GatherFillAsync("g1", 1, [9], default)).Accepted);
        Assert.Equal(2, await backend.GatherClaimNextAsync("g1", default)); // slot 1 is filled
        Assert.Equal(-1, await backend.GatherClaimNextAsync("g1", default));
        // A pump restart re-opens under a new epoch: filled slots kept, cursor reset.
        var reopened = await backend.GatherOpenAsync("g1", 3, 1234, "e2", default);
        Assert.Equal([1, 2], reopened.Filled[1]);
        Assert.Equal(0, await backend.GatherClaimNextAsync("g1", default));
        var all = await backend.GatherCloseAsync("g1", default);
        Assert.Equal(3, all!.Count);
        Assert.Null(all[0]);
        Assert.Equal([1, 2], all[1]);
        Assert.Null(await backend.GatherCloseAsync("g1", default));
        Assert.True((await backend.GatherFillAsync("g1", 0, [3], default)).Closed);
        Assert.True(await backend.GatherDeleteAsync("g1", default));
        Assert.True((await backend.GatherFillAsync("g1", 0, [3], default)).Closed); // unknown = closed
    }
}
