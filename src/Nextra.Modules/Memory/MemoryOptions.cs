namespace Nextra.Modules.Memory;

/// <summary>Project memory limits (config section <c>Memory</c>); a tier module may lower them per tenant later.</summary>
public sealed class MemoryOptions
{
    public const string Section = "Memory";

    /// <summary>Total bytes of values one flow may keep.</summary>
    public long MaxBytesPerFlow { get; set; } = 1 << 20;

    public int MaxKeyLength { get; set; } = 256;
}
