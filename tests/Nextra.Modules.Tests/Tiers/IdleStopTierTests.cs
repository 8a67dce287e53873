using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Nextra.Modules.Tests.Memory;
using Nextra.Modules.Tests.Runs;
using Nextra.Modules.Tiers;
using Nextra.Modules.Tiers.Stores;

namespace Nextra.Modules.Tests.Tiers;

/// <summary>Idle stop per tier: the supervisor's idle pass asks each flow's tenant tier, with tiers stored in the tenants table.</summary>
public sealed class IdleStopTierTests : IAsyncLifetime
{
    private ControlPlaneDb _db = null!;

    public async Task InitializeAsync()
    {
        _db = await ControlPlaneDb.CreateAsync();
        foreach (var t in new[] { "t-free", "t-paid", "t-ent" }) await _db.AddTenantAsync(t);
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SleepIdleFlows_EachTierItsOwnIdleTimeAndKeepAliveRule()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var options = TiersOptions.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Tiers:Paid:IdleStopMinutes"] = "60", ["Tiers:Enterprise:IdleStopMinutes"] = "0" }).Build());
        var tiers = new TierService(new SqliteTenantTierStore(_db.Factory), options, time, new Common.InProcessCacheInvalidator(), NullLogger<TierService>.Instance);
        await tiers.SetTierAsync("t-free", "free", default);
        await tiers.SetTierAsync("t-paid", "paid", default);

        using var dir = new TempDir();
        var catalog = new InMemoryFlowCatalog();
        catalog.Add("free1", TestFlows.Greeter, tenant: "t-free");
        catalog.Add("free-kept", TestFlows.Greeter, tenant: "t-free");
        catalog.Add("paid1", TestFlows.Greeter, tenant: "t-paid");
        catalog.Add("ent1", TestFlows.Greeter, tenant: "t-ent");
        await using var rt = await RuntimeHarness.CreateAsync(dir.Path, catalog, time: time, configure: s => s.AddSingleton<ITierLimits>(tiers));
        foreach (var id in catalog.Flows.Keys) Assert.Equal("running", (await rt.StartAsync(id)).Status);
        await rt.Get<Orchestration.IFlowRuntimeStore>().SetKeepAliveAsync("t-free", "free-kept", true); // set before a downgrade: the free tier does not honour it
        await rt.Supervisor.StopAsync("free-kept", "t-free", default);
        Assert.Equal("running", (await rt.StartAsync("free-kept")).Status);
        await QuietAsync(rt); // a just-started pump still holds its boot message for a moment: busy flows never sleep

        time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(2, await rt.Supervisor.SleepIdleFlowsAsync(default));
        Assert.True(await AsleepAsync(rt, "t-free", "free1"));
        Assert.True(await AsleepAsync(rt, "t-free", "free-kept"));
        Assert.False(await AsleepAsync(rt, "t-paid", "paid1"));
        Assert.False(await AsleepAsync(rt, "t-ent", "ent1"));

        time.Advance(TimeSpan.FromMinutes(45));
        Assert.Equal(1, await rt.Supervisor.SleepIdleFlowsAsync(default));
        Assert.True(await AsleepAsync(rt, "t-paid", "paid1"));
        Assert.False(await AsleepAsync(rt, "t-ent", "ent1")); // idle_stop_minutes = 0: never

        // A tier change applies to the next pass: enterprise → free.
        await tiers.SetTierAsync("t-ent", "free", default);
        Assert.Equal(1, await rt.Supervisor.SleepIdleFlowsAsync(default));
        Assert.True(await AsleepAsync(rt, "t-ent", "ent1"));
    }

    private static async Task QuietAsync(RuntimeHarness rt)
    {
        for (var i = 0; i < 250 && rt.Supervisor.Slots.Any(s => s.Pump is { QueueDepth: > 0 } or { ActiveRuns: > 0 }); i++) await Task.Delay(20);
    }

    private static async Task<bool> AsleepAsync(RuntimeHarness rt, string tenant, string flowId) =>
        (await rt.Supervisor.StatusAsync(tenant, flowId, default))!.Asleep;
}
