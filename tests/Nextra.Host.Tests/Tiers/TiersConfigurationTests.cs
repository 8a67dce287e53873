using System.Collections;
using Nextra.Host.Configuration;
using Nextra.Modules.Tiers;

namespace Nextra.Host.Tests.Tiers;

/// <summary>[tiers] from nextra.toml and NEXTRA_TIERS__* through the real configuration layers.</summary>
public sealed class TiersConfigurationTests : IDisposable
{
    private static readonly Dictionary<string, string?> NoFlags = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("nextra-tiers-").FullName;

    [Fact]
    public void ExampleToml_TiersSection_EqualsBuiltInDefaults()
    {
        var example = NextraConfiguration.Build(Path.Combine(RepoRoot.Path, "nextra.example.toml"), new Hashtable(), NoFlags);

        var documented = TiersOptions.From(example);
        var builtIn = new TiersOptions();

        Assert.Equal(builtIn.DefaultTier, documented.DefaultTier);
        Assert.Equal(builtIn.CacheSeconds, documented.CacheSeconds);
        Assert.Equal(builtIn.Tiers.Keys.Order(), documented.Tiers.Keys.Order());
        foreach (var (name, tier) in builtIn.Tiers) Assert.Equal(tier, documented.Tiers[name]);
        // Every key of every tier is written out, so the file shows the whole table.
        var keys = NextraConfiguration.ReadToml(Path.Combine(RepoRoot.Path, "nextra.example.toml")).Keys.Where(k => k.StartsWith("Tiers:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2 + (4 * 16), keys.Count);
    }

    [Fact]
    public void TomlAndEnvironment_OverrideTiers()
    {
        var file = Path.Combine(_dir, "nextra.toml");
        File.WriteAllText(file, """
            [tiers]
            default_tier = "free"
            [tiers.free]
            executions_per_month = 5
            flows = 4
            [tiers.team]
            flows = 3
            keep_alive = true
            """);
        var env = new Hashtable { ["NEXTRA_TIERS__FREE__FLOWS"] = "2", ["NEXTRA_TIERS__PRO__WASM_MODULES"] = "unlimited" };

        var o = TiersOptions.From(NextraConfiguration.Build(file, env, NoFlags));

        Assert.Equal("free", o.DefaultTier);
        Assert.Equal(2, o.Tiers["free"].Flows); // environment over file
        Assert.Equal(5, o.Tiers["free"].ExecutionsPerMonth);
        Assert.Null(o.Tiers["pro"].WasmModules);
        Assert.Equal(3, o.Tiers["team"].Flows);
        Assert.True(o.Tiers["team"].KeepAlive);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
