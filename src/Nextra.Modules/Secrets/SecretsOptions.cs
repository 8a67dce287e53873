namespace Nextra.Modules.Secrets;

/// <summary>Encryption at rest for tenant secrets. Config section <c>Secrets</c>.</summary>
public sealed class SecretsOptions
{
    public const string Section = "Secrets";

    /// <summary>Base64 of a 32-byte AES-256 key. When empty, <see cref="KeyFile"/> is used (and created on first start).</summary>
    public string? Key { get; set; }

    /// <summary>Key file, relative to the data directory unless absolute.</summary>
    public string KeyFile { get; set; } = "secrets.key";

    /// <summary>Longest accepted secret value in bytes (UTF-8).</summary>
    public int MaxValueBytes { get; set; } = 64 * 1024;
}
