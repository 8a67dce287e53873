using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Memory;
using Nextra.Modules.Memory.Stores;
using Nextra.Modules.Tests.Memory;
using Nextra.Modules.Tiers;
using Nextra.Pump.Handlers;

namespace Nextra.Modules.Tests.Tiers;

/// <summary>Project memory capped by the tenant's tier, on the real SQLite store.</summary>
public sealed class MemoryTierTests : IAsyncLifetime
{
    private ControlPlaneDb _db = null!;

    private sealed class Catalog : IFlowCatalog
    {
        public Task<FlowSnapshot?> GetAsync(string tenantId, string flowId, CancellationToken ct) =>
            Task.FromResult<FlowSnapshot?>(new FlowSnapshot(flowId, tenantId, flowId, "organism: {name: f}\nproject_memory: true\n", 1, "stopped"));
        public Task<bool> SetStatusAsync(string tenantId, string flowId, string status, CancellationToken ct) => Task.FromResult(false);
        public Task<IReadOnlyList<FlowSnapshot>> ListByStatusAsync(string status, CancellationToken ct) => Task.FromResult<IReadOnlyList<FlowSnapshot>>([]);
        public Task<FlowSnapshot?> FindForWebhookAsync(string flowId, CancellationToken ct) => Task.FromResult<FlowSnapshot?>(null);
    }

    public async Task InitializeAsync()
    {
        _db = await ControlPlaneDb.CreateAsync("memory");
        await _db.AddTenantAsync("t1");
        await _db.AddFlowAsync("t1", "f1");
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private ProjectMemoryService Memory(string tier, params (string Key, string Value)[] settings)
    {
        var options = TiersOptions.From(new ConfigurationBuilder().AddInMemoryCollection(
            settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)).Append(new("Tiers:DefaultTier", tier))).Build());
        return new ProjectMemoryService(new SqliteProjectMemoryStore(_db.Factory), new Catalog(), Options.Create(new MemoryOptions()),
            TimeProvider.System, new ConfiguredTierLimits(options));
    }

    [Fact]
    public async Task FreeTier_ApiAndKvRefuseWithQuotaExceeded()
    {
        var memory = Memory("free");

        var put = await Assert.ThrowsAsync<ApiException>(() => memory.PutAsync("t1", "f1", "k", [1], default));
        Assert.Equal((403, "quota_exceeded"), (put.Status, put.Code));
        var kv = memory.For("t1", "f1");
        Assert.Equal("quota_exceeded", (await Assert.ThrowsAsync<HandlerException>(() => kv.SetAsync("k", [1], default).AsTask())).Code);
        Assert.Equal("quota_exceeded", (await Assert.ThrowsAsync<HandlerException>(() => kv.GetAsync("k", default).AsTask())).Code);
        Assert.Equal(0, (await memory.UsageAsync("t1", "f1", default)).MaxBytes);
    }

    [Fact]
    public async Task TierCap_BelowAllowed_AboveRefused()
    {
        var memory = Memory("paid", ("Tiers:Paid:ProjectMemoryMb", "1"));
        var kv = memory.For("t1", "f1");

        await kv.SetAsync("a", new byte[1024 * 1024 - 1], default);
        await kv.SetAsync("b", [1], default);
        Assert.Equal("memory_quota", (await Assert.ThrowsAsync<HandlerException>(() => kv.SetAsync("c", [1], default).AsTask())).Code);
        Assert.Equal(413, (await Assert.ThrowsAsync<ApiException>(() => memory.PutAsync("t1", "f1", "c", [1], default))).Status);
        Assert.Equal(1024 * 1024, (await memory.UsageAsync("t1", "f1", default)).MaxBytes);
    }

    [Fact]
    public async Task UnlimitedTier_NoCap_OperatorCeilingStillApplies()
    {
        Assert.Null((await Memory("enterprise").UsageAsync("t1", "f1", default)).MaxBytes);
        var capped = new ProjectMemoryService(new SqliteProjectMemoryStore(_db.Factory), new Catalog(),
            Options.Create(new MemoryOptions { MaxBytesPerFlow = 10 }), TimeProvider.System, new ConfiguredTierLimits(new TiersOptions()));
        Assert.Equal(10, (await capped.UsageAsync("t1", "f1", default)).MaxBytes);
    }
}
