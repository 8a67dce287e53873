namespace Nextra.Pump.Wasm.AssemblyScript;

/// <summary>How the AssemblyScript compiler runs (section <c>Asc</c>).</summary>
public sealed class AscOptions
{
    public const string Section = "Asc";
    public const string DirectoryEnvironmentVariable = "NEXTRA_ASC_DIR";

    /// <summary>The folder holding <c>node_modules/assemblyscript</c> (tools/asc after <c>npm ci</c>). Null: NEXTRA_ASC_DIR, then tools/asc above the app or working directory.</summary>
    public string? AscDirectory { get; set; }
    public string NodeExecutable { get; set; } = "node";
    public int TimeoutSeconds { get; set; } = 60;
    /// <summary>V8 old-space cap for the compiler process.</summary>
    public int MaxMemoryMb { get; set; } = 512;
    public int MaxSourceBytes { get; set; } = 512 * 1024;
    /// <summary>Built .wasm files by source hash, so a restart or a re-validation does not recompile. Null: memory only.</summary>
    public string? CacheDirectory { get; set; }
}
