using System.Text.Json;
using System.Text.Json.Nodes;
using Nextra.Pump.Wasm;

namespace Nextra.Pump.Handlers.Code;

/// <summary>The <c>config:</c> of a <c>handler: code</c> listener (docs/wasm-abi.md).</summary>
public sealed class CodeBlockConfig
{
    private static readonly HashSet<string> Keys = ["module", "wat", "source", "output", "fuel", "memory_mb", "timeout_ms", "capabilities"];

    /// <summary>Registered module name, with <see cref="ModuleVersion"/> from <c>NAME@VERSION</c>.</summary>
    public string? ModuleName { get; private init; }
    public string? ModuleVersion { get; private init; }
    public string? Wat { get; private init; }
    /// <summary>Inline AssemblyScript source.</summary>
    public string? Source { get; private init; }
    public string? Output { get; private init; }
    public ulong? Fuel { get; private init; }
    public int? MemoryMb { get; private init; }
    public int? TimeoutMs { get; private init; }
    public WasmCapabilities Capabilities { get; private init; }

    /// <summary>Parses and checks the shape; every problem is reported, the config is null when unusable.</summary>
    public static CodeBlockConfig? Parse(JsonObject? config, List<HandlerConfigProblem> problems)
    {
        if (config is null)
        {
            problems.Add(new("code_no_module", "a code block needs config with one of: module, wat, source"));
            return null;
        }
        foreach (var (key, _) in config)
        {
            if (!Keys.Contains(key))
                problems.Add(new("unknown_key", $"unknown code config key '{key}' (known: {string.Join(", ", Keys)})", key));
        }

        var module = Str(config, "module", problems);
        var wat = Str(config, "wat", problems);
        var source = Str(config, "source", problems);
        var given = new[] { module, wat, source }.Count(s => s is not null);
        if (given == 0)
            problems.Add(new("code_no_module", "set one of: module (a registered module NAME[@VERSION]), wat (inline WebAssembly text), source (inline AssemblyScript)"));
        else if (given > 1)
            problems.Add(new("code_ambiguous_module", "set only one of: module, wat, source"));

        string? name = null, version = null;
        if (module is not null)
        {
            var at = module.IndexOf('@');
            name = (at < 0 ? module : module[..at]).Trim();
            version = at < 0 ? null : module[(at + 1)..].Trim();
            if (name.Length == 0 || version is { Length: 0 })
                problems.Add(new("invalid_value", $"module '{module}' must be NAME or NAME@VERSION", "module"));
        }

        var caps = WasmCapabilities.None;
        if (config["capabilities"] is { } capNode)
        {
            if (capNode is not JsonArray arr)
                problems.Add(new("invalid_value", "capabilities must be a list, e.g. [log, kv]", "capabilities"));
            else
            {
                foreach (var item in arr)
                {
                    var text = item is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : item?.ToJsonString() ?? "null";
                    if (WasmCapabilityNames.TryParse(text, out var c))
                        caps |= c;
                    else
                        problems.Add(new("unknown_capability", $"unknown capability '{text}' (known: log, kv, http)", "capabilities"));
                }
            }
        }

        var fuel = Number(config, "fuel", 1, long.MaxValue, problems);
        var memory = Number(config, "memory_mb", 1, 65_536, problems);
        var timeout = Number(config, "timeout_ms", 1, 3_600_000, problems);
        var output = Str(config, "output", problems);
        if (problems.Count > 0)
            return null;
        return new CodeBlockConfig
        {
            ModuleName = name,
            ModuleVersion = version,
            Wat = wat,
            Source = source,
            Output = output,
            Fuel = fuel is null ? null : (ulong)fuel.Value,
            MemoryMb = (int?)memory,
            TimeoutMs = (int?)timeout,
            Capabilities = caps,
        };
    }

    private static string? Str(JsonObject config, string key, List<HandlerConfigProblem> problems)
    {
        if (config[key] is not { } node)
            return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            return v.GetValue<string>();
        problems.Add(new("invalid_value", $"{key} must be text", key));
        return null;
    }

    private static long? Number(JsonObject config, string key, long min, long max, List<HandlerConfigProblem> problems)
    {
        if (config[key] is not { } node)
            return null;
        long value;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), out var n))
            value = n;
        else if (node is JsonValue s && s.GetValueKind() == JsonValueKind.String && long.TryParse(s.GetValue<string>().Replace("_", ""), out var p))
            value = p;
        else
        {
            problems.Add(new("invalid_value", $"{key} must be a whole number", key));
            return null;
        }
        if (value < min || value > max)
        {
            problems.Add(new("invalid_value", $"{key} must be between {min} and {max}", key));
            return null;
        }
        return value;
    }
}
