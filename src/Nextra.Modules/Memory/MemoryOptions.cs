namespace Nextra.Modules.Memory;

/// <summary>Project memory settings (config section <c>Memory</c>). The per-flow cap is the tenant's tier's <c>project_memory_mb</c>.</summary>
public sealed class MemoryOptions
{
    public const string Section = "Memory";

    /// <summary>An operator ceiling on any tier's per-flow cap, in bytes; 0 = none (the tier decides alone).</summary>
    public long MaxBytesPerFlow { get; set; }

    public int MaxKeyLength { get; set; } = 256;
}
