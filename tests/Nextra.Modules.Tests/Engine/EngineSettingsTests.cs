using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nextra.Modules.Engine;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Engine;

public sealed class EngineSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData("Wasm:DefaultFuel", "lots", "[wasm] default_fuel = 'lots'")]
    [InlineData("Wasm:DefaultFuel", "0", "[wasm] default_fuel = '0'")]
    [InlineData("Wasm:DefaultMemoryMb", "99999", "from 1 to 4096")]
    [InlineData("Wasm:MaxCachedModules", "-3", "[wasm] max_cached_modules")]
    [InlineData("Egress:MaxResponseBytes", "10MB", "[egress] max_response_bytes")]
    [InlineData("Egress:DefaultTimeoutSeconds", "2.5", "[egress] default_timeout_seconds")]
    [InlineData("Asc:TimeoutSeconds", "sixty", "[asc] timeout_seconds")]
    [InlineData("Plugins:AllowDotnetPlugins", "yes", "[plugins] allow_dotnet_plugins = 'yes' is not valid (configuration key Plugins:AllowDotnetPlugins): expected true or false")]
    public void From_BadValue_RefusedWithTheKeyNamed(string key, string value, string expected)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => EngineSettings.From(Config((key, value)), "/tmp/data"));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void From_GoodValues_AreRead_AndEmptyKeepsTheDefaults()
    {
        var s = EngineSettings.From(Config(("Wasm:DefaultFuel", "5000"), ("Wasm:MaxCachedModules", "3"), ("Egress:AllowList", "10.0.0.0/8, ollama.internal"),
            ("Plugins:AllowDotnetPlugins", "true"), ("Asc:AscDirectory", ""), ("Asc:TimeoutSeconds", " ")), "/tmp/data");
        Assert.Equal(5000UL, s.Wasm.DefaultFuel);
        Assert.Equal(3, s.Wasm.MaxCachedModules);
        Assert.Equal(["10.0.0.0/8", "ollama.internal"], s.Egress.AllowList);
        Assert.True(s.Plugins.AllowDotnetPlugins);
        Assert.Null(s.Asc.AscDirectory); // the compiler's own search, not an environment read here
        Assert.Equal(60, s.Asc.TimeoutSeconds);
        Assert.Equal("/tmp/data/wasm-cache", s.Wasm.CacheDirectory);
    }

    [Fact]
    public async Task AddEngine_BadValue_StopsTheHostAtStart()
    {
        var config = Config(("Wasm:DefaultFuel", "lots"));
        var services = new ServiceCollection();
        services.AddOptions<StorageOptions>();
        services.AddEngine(config);
        await using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetServices<IHostedService>().ToList());
        Assert.Contains("[wasm] default_fuel", ex.Message);
        await Task.CompletedTask;
    }
}
