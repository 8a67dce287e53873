using System.Globalization;
using Microsoft.Extensions.Configuration;
using Nextra.Pump.Handlers.Dotnet;
using Nextra.Pump.Net;
using Nextra.Pump.Wasm;
using Nextra.Pump.Wasm.AssemblyScript;
using Nextra.Modules.Common;

namespace Nextra.Modules.Engine;

/// <summary>
/// The engine's operator settings, read from configuration sections <c>[egress]</c>, <c>[wasm]</c>,
/// <c>[asc]</c> and <c>[plugins]</c> of nextra.toml (the environment reaches them through the configuration, as
/// <c>NEXTRA_WASM__DEFAULT_FUEL</c> and so on). Relative directories resolve under the data dir. A value that does not
/// parse, or is out of range, stops the server with the key named (<see cref="InvalidOperationException"/>) instead of
/// falling back to the default. Bound by hand (no reflection binder) so the AOT build keeps them.
/// </summary>
[ModuleContract("the engine's validated settings (egress limits, timeouts) other modules' outbound calls honour")]
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
        s.Egress.MaxResponseBytes = Whole(egress, "MaxResponseBytes", s.Egress.MaxResponseBytes, min: 1);
        s.Egress.MaxTimeout = TimeSpan.FromSeconds(Whole(egress, "MaxTimeoutSeconds", (long)s.Egress.MaxTimeout.TotalSeconds, min: 1));
        s.Egress.DefaultTimeout = TimeSpan.FromSeconds(Whole(egress, "DefaultTimeoutSeconds", (long)s.Egress.DefaultTimeout.TotalSeconds, min: 1));

        var wasm = config.GetSection(WasmOptions.Section);
        s.Wasm.DefaultFuel = (ulong)Whole(wasm, "DefaultFuel", (long)s.Wasm.DefaultFuel, min: 1);
        s.Wasm.DefaultMemoryMb = (int)Whole(wasm, "DefaultMemoryMb", s.Wasm.DefaultMemoryMb, min: 1, max: 4096);
        s.Wasm.DefaultTimeoutMs = (int)Whole(wasm, "DefaultTimeoutMs", s.Wasm.DefaultTimeoutMs, min: 1, max: int.MaxValue);
        s.Wasm.MaxCachedModules = (int)Whole(wasm, "MaxCachedModules", s.Wasm.MaxCachedModules, min: 1, max: int.MaxValue);
        s.Wasm.CacheDirectory = Path.GetFullPath(Path.Combine(dataDir, Text(wasm, "CacheDirectory") ?? "wasm-cache"));

        var asc = config.GetSection(AscOptions.Section);
        // Empty: the compiler's own search (NEXTRA_ASC_DIR, then tools/asc beside the executable or the working directory).
        s.Asc.AscDirectory = Text(asc, "AscDirectory");
        s.Asc.NodeExecutable = Text(asc, "NodeExecutable") ?? s.Asc.NodeExecutable;
        s.Asc.TimeoutSeconds = (int)Whole(asc, "TimeoutSeconds", s.Asc.TimeoutSeconds, min: 1, max: int.MaxValue);
        s.Asc.CacheDirectory = Path.GetFullPath(Path.Combine(dataDir, Text(asc, "CacheDirectory") ?? "asc-cache"));

        var plugins = config.GetSection(DotnetPluginOptions.Section);
        s.Plugins.AllowDotnetPlugins = Bool(plugins, "AllowDotnetPlugins", false);
        s.Plugins.PluginDirectory = Path.GetFullPath(Path.Combine(dataDir, Text(plugins, "PluginDirectory") ?? "plugins"));
        return s;
    }

    private static string? Text(IConfigurationSection section, string key) => section[key] is { Length: > 0 } v ? v.Trim() : null;

    private static long Whole(IConfigurationSection section, string key, long fallback, long min, long max = long.MaxValue)
    {
        if (section[key] is not { } raw || raw.Trim().Length == 0)
            return fallback;
        return long.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw Bad(section, key, raw, max == long.MaxValue ? $"a whole number of {min} or more" : $"a whole number from {min} to {max}");
    }

    private static bool Bool(IConfigurationSection section, string key, bool fallback)
    {
        if (section[key] is not { } raw || raw.Trim().Length == 0)
            return fallback;
        return bool.TryParse(raw.Trim(), out var b) ? b : throw Bad(section, key, raw, "true or false");
    }

    /// <summary>Names the key as nextra.toml spells it (<c>[wasm] default_fuel</c>) and as the configuration does.</summary>
    private static InvalidOperationException Bad(IConfigurationSection section, string key, string value, string expected) =>
        new($"[{Snake(section.Key)}] {Snake(key)} = '{value}' is not valid (configuration key {section.Path}:{key}): expected {expected}.");

    internal static string Snake(string pascal)
    {
        var sb = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
