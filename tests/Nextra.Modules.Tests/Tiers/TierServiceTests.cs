using Microsoft.Extensions.Logging.Abstractions;
using Nextra.Modules.Common;
using Nextra.Modules.Tests.Memory;
using Nextra.Modules.Tests.Runs;
using Nextra.Modules.Tiers;
using Nextra.Modules.Tiers.Stores;

namespace Nextra.Modules.Tests.Tiers;

public sealed class TierServiceTests : IAsyncLifetime
{
    private ControlPlaneDb _db = null!;
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        _db = await ControlPlaneDb.CreateAsync();
        await _db.AddTenantAsync("t1");
        await _db.AddTenantAsync("t2");
    }

    public Task DisposeAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    private TierService Service(TiersOptions? options = null) =>
        new(new SqliteTenantTierStore(_db.Factory), options ?? new TiersOptions(), _time, new Common.InProcessCacheInvalidator(), NullLogger<TierService>.Instance);

    [Fact]
    public async Task ForTenant_NoTierSet_DefaultTier()
    {
        var tiers = Service();
        Assert.Equal("enterprise", (await tiers.ForTenantAsync("t1", default)).Name);
        Assert.Equal("enterprise", (await tiers.ForTenantAsync("no-such-tenant", default)).Name);
    }

    [Fact]
    public async Task SetTier_AppliesAtOnceInProcess_DefaultClearsIt()
    {
        var tiers = Service();
        Assert.Equal("enterprise", (await tiers.ForTenantAsync("t1", default)).Name);

        Assert.Equal("t1", await tiers.SetTierAsync("t1", "Free", default));
        Assert.Equal("free", (await tiers.ForTenantAsync("t1", default)).Name);
        Assert.Equal("enterprise", (await tiers.ForTenantAsync("t2", default)).Name);

        await tiers.SetTierAsync("t1", "default", default);
        Assert.Equal("enterprise", (await tiers.ForTenantAsync("t1", default)).Name);
    }

    [Fact]
    public async Task ChangeByAnotherProcess_SeenAfterCacheSeconds()
    {
        var tiers = Service();
        Assert.Equal("enterprise", (await tiers.ForTenantAsync("t1", default)).Name);
        await Service().SetTierAsync("t1", "pro", default); // the CLI: another TierService on the same database

        Assert.Equal("enterprise", (await tiers.ForTenantAsync("t1", default)).Name); // still cached
        _time.Advance(TimeSpan.FromSeconds(11));
        await tiers.RefreshAsync(default);
        Assert.Equal("pro", tiers.ForTenant("t1").Name);
    }

    [Fact]
    public async Task UnknownTierInDatabase_FallsBackToDefault()
    {
        await new SqliteTenantTierStore(_db.Factory).SetTierAsync("t1", "gold", default);
        Assert.Equal("enterprise", (await Service().ForTenantAsync("t1", default)).Name);
    }

    [Fact]
    public async Task SetTier_UnknownTierOrTenant_Refused()
    {
        var tiers = Service();
        Assert.Contains("Unknown tier 'gold'", (await Assert.ThrowsAsync<ApiException>(() => tiers.SetTierAsync("t1", "gold", default))).Detail);
        Assert.Equal(404, (await Assert.ThrowsAsync<ApiException>(() => tiers.SetTierAsync("nobody", "free", default))).Status);
    }

    [Fact]
    public async Task ListTenants_EffectiveTierUsersAndFlows()
    {
        await _db.AddFlowAsync("t2", "f1");
        await _db.AddFlowAsync("t2", "f2");
        var tiers = Service();
        await tiers.SetTierAsync("t2", "paid", default);

        var rows = await tiers.ListTenantsAsync(default);

        Assert.Equal(("enterprise", 0L), (rows.Single(r => r.Id == "t1").Tier, rows.Single(r => r.Id == "t1").Flows));
        Assert.Equal(("paid", 2L, 0L), (rows.Single(r => r.Id == "t2").Tier, rows.Single(r => r.Id == "t2").Flows, rows.Single(r => r.Id == "t2").Users));
    }
}
