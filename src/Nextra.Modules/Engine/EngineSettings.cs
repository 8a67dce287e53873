using Microsoft.Extensions.Configuration;
using Nextra.Pump.Handlers.Dotnet;
using Nextra.Pump.Net;
using Nextra.Pump.Wasm;
using Nextra.Pump.Wasm.AssemblyScript;

namespace Nextra.Modules.Engine;

/// <summary>
/// The engine's operator settings, read from configuration sections <c>[egress]</c>, <c>[wasm]</c>,
/// <c>[asc]</c> and <c>[plugins]</c> of nextra.toml. Relative directories resolve under the data dir.
/// Bound by hand (no reflection binder) so the AOT build keeps them.
/// </summary>
public sealed class EngineSettings
{
    public EgressOptions Egress { get; } = new();
    public WasmOptions Wasm { get; } = new();
    public AscOptions Asc { get; } = new();
    public DotnetPluginOptions Plugins { get; } = new();

    public static EngineSettings From(IConfiguration config, string dataDir)
    {
        var s = new EngineSettings();
        var egress = config.GetSection(EgressOptions.Section);
        var allow = egress.GetSection("AllowList").GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (allow.Count == 0 && egress["AllowList"] is { Length: > 0 } csv)
            allow = csv.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries).ToList();
        s.Egress.AllowList = allow;
        s.Egress.MaxResponseBytes = Long(egress["MaxResponseBytes"], s.Egress.MaxResponseBytes);
        s.Egress.MaxTimeout = TimeSpan.FromSeconds(Long(egress["MaxTimeoutSeconds"], (long)s.Egress.MaxTimeout.TotalSeconds));
        s.Egress.DefaultTimeout = TimeSpan.FromSeconds(Long(egress["DefaultTimeoutSeconds"], (long)s.Egress.DefaultTimeout.TotalSeconds));

        var wasm = config.GetSection(WasmOptions.Section);
        s.Wasm.DefaultFuel = (ulong)Long(wasm["DefaultFuel"], (long)s.Wasm.DefaultFuel);
        s.Wasm.DefaultMemoryMb = (int)Long(wasm["DefaultMemoryMb"], s.Wasm.DefaultMemoryMb);
        s.Wasm.DefaultTimeoutMs = (int)Long(wasm["DefaultTimeoutMs"], s.Wasm.DefaultTimeoutMs);
        s.Wasm.MaxCachedModules = (int)Math.Max(1, Long(wasm["MaxCachedModules"], s.Wasm.MaxCachedModules));
        s.Wasm.CacheDirectory = Path.GetFullPath(Path.Combine(dataDir, wasm["CacheDirectory"] ?? "wasm-cache"));

        var asc = config.GetSection(AscOptions.Section);
        s.Asc.AscDirectory = asc["AscDirectory"] is { Length: > 0 } ascDir ? ascDir : Environment.GetEnvironmentVariable(AscOptions.DirectoryEnvironmentVariable);
        s.Asc.NodeExecutable = asc["NodeExecutable"] is { Length: > 0 } node ? node : s.Asc.NodeExecutable;
        s.Asc.TimeoutSeconds = (int)Long(asc["TimeoutSeconds"], s.Asc.TimeoutSeconds);
        s.Asc.CacheDirectory = Path.GetFullPath(Path.Combine(dataDir, asc["CacheDirectory"] ?? "asc-cache"));

        var plugins = config.GetSection(DotnetPluginOptions.Section);
        s.Plugins.AllowDotnetPlugins = bool.TryParse(plugins["AllowDotnetPlugins"], out var allowPlugins) && allowPlugins;
        s.Plugins.PluginDirectory = Path.GetFullPath(Path.Combine(dataDir, plugins["PluginDirectory"] ?? "plugins"));
        return s;
    }

    private static long Long(string? value, long fallback) => long.TryParse(value, out var v) ? v : fallback;
}
