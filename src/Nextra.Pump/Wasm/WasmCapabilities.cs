namespace Nextra.Pump.Wasm;

/// <summary>Host functions a code block may import from module <c>nextra</c>.</summary>
[Flags]
public enum WasmCapabilities
{
    None = 0,
    /// <summary><c>log(ptr, len)</c>.</summary>
    Log = 1,
    /// <summary><c>kv_get</c>, <c>kv_set</c>, <c>kv_delete</c> on the flow's project memory.</summary>
    Kv = 2,
    /// <summary><c>http_fetch</c> through the guarded egress client.</summary>
    Http = 4,
}

public static class WasmCapabilityNames
{
    public const string HostModule = "nextra";

    public static bool TryParse(string name, out WasmCapabilities capability)
    {
        capability = name.Trim().ToLowerInvariant() switch
        {
            "log" => WasmCapabilities.Log,
            "kv" => WasmCapabilities.Kv,
            "http" => WasmCapabilities.Http,
            _ => WasmCapabilities.None,
        };
        return capability != WasmCapabilities.None;
    }

    /// <summary>The capability a host import needs, or None for an unknown name.</summary>
    public static WasmCapabilities Required(string importName) => importName switch
    {
        "log" => WasmCapabilities.Log,
        "kv_get" or "kv_set" or "kv_delete" => WasmCapabilities.Kv,
        "http_fetch" => WasmCapabilities.Http,
        _ => WasmCapabilities.None,
    };

    public static string Name(WasmCapabilities c) => c switch
    {
        WasmCapabilities.Log => "log",
        WasmCapabilities.Kv => "kv",
        WasmCapabilities.Http => "http",
        _ => c.ToString().ToLowerInvariant(),
    };
}
