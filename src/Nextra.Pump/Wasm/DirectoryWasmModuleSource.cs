namespace Nextra.Pump.Wasm;

/// <summary>
/// Modules from a directory (headless CLI): <c>NAME.wasm</c> / <c>NAME.wat</c> is the unversioned
/// module; <c>NAME@VERSION.wasm|.wat</c> are versions. Without a version the highest one wins,
/// then the unversioned file.
/// </summary>
public sealed class DirectoryWasmModuleSource(string directory) : IWasmModuleSource
{
    public string Directory { get; } = directory;

    public WasmModuleRecord? Find(string name, string? version)
    {
        if (name.Length == 0 || name.IndexOfAny(['/', '\\', '@']) >= 0 || name.Contains("..", StringComparison.Ordinal)
            || (version is not null && (version.IndexOfAny(['/', '\\']) >= 0 || version.Contains("..", StringComparison.Ordinal))))
            return null;
        if (!System.IO.Directory.Exists(Directory))
            return null;
        if (version is not null)
            return Load(name, version, name + "@" + version);
        var versions = System.IO.Directory.EnumerateFiles(Directory, name + "@*")
            .Select(Path.GetFileNameWithoutExtension)
            .Select(f => f![(name.Length + 1)..])
            .Distinct()
            .OrderBy(v => v, WasmVersionOrder.Instance)
            .ToList();
        return versions.Count > 0 ? Load(name, versions[^1], name + "@" + versions[^1]) : Load(name, "0", name);
    }

    private WasmModuleRecord? Load(string name, string version, string stem)
    {
        foreach (var ext in new[] { ".wasm", ".wat" })
        {
            var path = Path.Combine(Directory, stem + ext);
            if (File.Exists(path))
                return new WasmModuleRecord(name, version, WasmCode.FromFileBytes($"{name}@{version}", File.ReadAllBytes(path)));
        }
        return null;
    }
}
