namespace Nextra.Pump.Net;

/// <summary>
/// Operator settings for every outbound request a flow makes (http kind, llm backends, WASM fetch).
/// The guard is always on; the allow-list only widens it for addresses an operator trusts.
/// </summary>
public sealed class EgressOptions
{
    public const string Section = "Egress";

    /// <summary>
    /// Entries that may be reached even though they are private/loopback/link-local: exact host names
    /// (<c>ollama.internal</c>, case-insensitive, <c>*.corp.example</c> for subdomains), IP addresses
    /// (<c>127.0.0.1</c>) or CIDR ranges (<c>10.0.0.0/8</c>). Metadata addresses are only reachable
    /// when listed as an exact IP, never through a range.
    /// </summary>
    public List<string> AllowList { get; set; } = [];

    /// <summary>Largest response body read, in bytes (10 MB by default).</summary>
    public long MaxResponseBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Upper bound for any per-request timeout a flow asks for.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Timeout used when a caller gives none.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Redirects followed (each re-checked) before giving up.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Clamps a requested timeout into (0, <see cref="MaxTimeout"/>]; null or non-positive gives the default.</summary>
    public TimeSpan ClampTimeout(double? seconds)
    {
        if (seconds is not > 0 || double.IsNaN(seconds.Value))
            return DefaultTimeout <= MaxTimeout ? DefaultTimeout : MaxTimeout;
        var asked = seconds.Value >= MaxTimeout.TotalSeconds ? MaxTimeout : TimeSpan.FromSeconds(seconds.Value);
        return asked;
    }
}
