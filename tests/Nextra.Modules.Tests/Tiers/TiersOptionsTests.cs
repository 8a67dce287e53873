using Microsoft.Extensions.Configuration;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Tests.Tiers;

public class TiersOptionsTests
{
    private static TiersOptions Bind(params (string Key, string Value)[] settings) => TiersOptions.From(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Fact]
    public void From_NoSettings_SeedTiersAndEnterpriseDefault()
    {
        var o = Bind();

        Assert.Equal("enterprise", o.DefaultTier);
        Assert.Equal(["enterprise", "free", "paid", "pro"], o.Tiers.Keys.Order().ToArray());
        var free = o.Tiers["free"];
        Assert.Equal((1L, 1_000L, 0L, 0L, 1L, false), (free.Flows!.Value, free.ExecutionsPerMonth!.Value, free.WasmModules!.Value, free.ProjectMemoryMb!.Value, free.TeamMembers!.Value, free.KeepAlive));
        Assert.Equal(15, free.IdleStopMinutes);
        var paid = o.Tiers["paid"];
        Assert.Equal((10L, 10_000L, 10L, true), (paid.Flows!.Value, paid.ExecutionsPerMonth!.Value, paid.ProjectMemoryMb!.Value, paid.KeepAlive));
        var pro = o.Tiers["pro"];
        Assert.Null(pro.Flows);
        Assert.Equal((100_000L, 10L, 100L), (pro.ExecutionsPerMonth!.Value, pro.WasmModules!.Value, pro.ProjectMemoryMb!.Value));
        var enterprise = o.Tiers["enterprise"];
        Assert.Null(enterprise.Flows);
        Assert.Null(enterprise.ExecutionsPerMonth);
        Assert.Null(enterprise.WasmModules);
        Assert.Null(enterprise.ProjectMemoryMb);
        Assert.Null(enterprise.TeamMembers);
        Assert.Equal(Pump.Wasm.WasmTierLimits.Unlimited, enterprise.Wasm);
        Assert.Equal(new Pump.Handlers.ParallelLimits(4, 100), free.Parallel);
        Assert.Equal(new Pump.Handlers.ParallelLimits(8, 1_000), paid.Parallel);
        Assert.Equal(new Pump.Handlers.ParallelLimits(32, 10_000), pro.Parallel);
        Assert.Equal(Pump.Handlers.ParallelLimits.Unlimited, enterprise.Parallel);
    }

    [Fact]
    public void From_Overrides_MergeOverDefaultsAndAddTiers()
    {
        var o = Bind(("Tiers:DefaultTier", "Free"), ("Tiers:CacheSeconds", "2"),
            ("Tiers:Free:Flows", "3"), ("Tiers:Free:KeepAlive", "true"), ("Tiers:Pro:ExecutionsPerMonth", "unlimited"),
            ("Tiers:Paid:RetentionDays", "-1"), ("Tiers:Team:TeamMembers", "5"), ("Tiers:Team:WasmMaxTimeoutMs", "500"),
            ("Tiers:Team:MaxParallelBranches", "3"), ("Tiers:Free:MaxItems", "unlimited"));

        Assert.Equal("free", o.DefaultTier);
        Assert.Equal(2, o.CacheSeconds);
        Assert.Equal(3, o.Tiers["free"].Flows);
        Assert.True(o.Tiers["free"].KeepAlive);
        Assert.Equal(1_000, o.Tiers["free"].ExecutionsPerMonth); // untouched keys keep the built-in value
        Assert.Null(o.Tiers["pro"].ExecutionsPerMonth);
        Assert.Equal(36_500, o.Tiers["paid"].Retention.MaxAgeDays);
        var team = o.Tiers["team"];
        Assert.Equal("team", team.Name);
        Assert.Equal(5, team.TeamMembers);
        Assert.Null(team.Flows);
        Assert.Equal(500, team.Wasm.MaxTimeoutMs);
        Assert.Equal(Pump.Wasm.WasmTierLimits.Unlimited.MaxFuel, team.Wasm.MaxFuel);
        Assert.Equal(new Pump.Handlers.ParallelLimits(3, Pump.Handlers.ParallelLimits.Unlimited.MaxItems), team.Parallel);
        Assert.Equal(Pump.Handlers.ParallelLimits.Unlimited.MaxItems, o.Tiers["free"].Parallel.MaxItems);
    }

    [Theory]
    [InlineData("Tiers:Free:Flow", "3", "Unknown tier setting Tiers:Free:Flow")]
    [InlineData("Tiers:Free:Flows", "lots", "Tiers:Free:Flows = 'lots' is not valid")]
    [InlineData("Tiers:Free:Flows", "1.5", "a whole number")]
    [InlineData("Tiers:Free:KeepAlive", "maybe", "true or false")]
    [InlineData("Tiers:DefaultTier", "gold", "Tiers:DefaultTier is 'gold', which is not a tier")]
    [InlineData("Tiers:Default", "free", "Unknown setting Tiers:Default")]
    [InlineData("Orchestration:IdleStopMinutes", "5", "Orchestration:IdleStopMinutes moved to the tiers: set idle_stop_minutes")]
    [InlineData("Runs:Retention:Free:MaxAgeDays", "3", "Runs:Retention moved to the tiers")]
    public void From_BadSetting_ThrowsNamingTheKey(string key, string value, string message)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Bind((key, value)));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Retention_FromTier_MatchesTheRunsDefaultsItReplaced()
    {
        var o = Bind();
        Assert.Equal((1_000, 7.0), (o.Tiers["free"].Retention.MaxRunsPerFlow, o.Tiers["free"].Retention.MaxAgeDays));
        Assert.Equal((10_000, 30.0), (o.Tiers["paid"].Retention.MaxRunsPerFlow, o.Tiers["paid"].Retention.MaxAgeDays));
        Assert.Equal((100_000, 90.0), (o.Tiers["pro"].Retention.MaxRunsPerFlow, o.Tiers["pro"].Retention.MaxAgeDays));
        Assert.Equal((1_000_000, 365.0), (o.Tiers["enterprise"].Retention.MaxRunsPerFlow, o.Tiers["enterprise"].Retention.MaxAgeDays));
    }

    [Fact]
    public void CodeTierHint_NamesFirstTierAllowingCode()
    {
        Assert.Equal("the pro tier", Quota.CodeTierHint(Bind()));
        Assert.Equal("the paid tier", Quota.CodeTierHint(Bind(("Tiers:Paid:WasmModules", "2"))));
    }
}
