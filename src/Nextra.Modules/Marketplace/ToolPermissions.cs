using System.Globalization;
using System.Text;
using System.Text.Json;
using Nextra.Modules.Marketplace.Signing;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// A tool's permission manifest (R2): what its WASM module may reach. Nothing outside it is linked: a tool gets no
/// ambient authority, whatever the flow's <c>capabilities</c> say.
/// </summary>
public sealed record ToolPermissions
{
    public bool Log { get; init; }
    public KvGrant? Kv { get; init; }
    public HttpGrant? Http { get; init; }
    public SecretGrant[]? Secrets { get; init; }
    public ToolLimits? Limits { get; init; }

    /// <summary>Canonical JSON (keys sorted, lists sorted, no whitespace): what <c>permissions_sha256</c> hashes.</summary>
    public string Canonical()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (Http is { } http)
            {
                w.WriteStartObject("http");
                w.WriteStartArray("hosts");
                foreach (var h in http.Hosts.Order(StringComparer.Ordinal)) w.WriteStringValue(h);
                w.WriteEndArray();
                if (http.MaxResponseBytes is { } max) w.WriteNumber("max_response_bytes", max);
                w.WriteStartArray("methods");
                foreach (var m in (http.Methods ?? ["GET"]).Select(m => m.ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal)) w.WriteStringValue(m);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            if (Kv is { } kv)
            {
                w.WriteStartObject("kv");
                w.WriteNumber("max_bytes", kv.MaxBytes);
                w.WriteEndObject();
            }
            if (Limits is { } l)
            {
                w.WriteStartObject("limits");
                if (l.FuelPerCall is { } f) w.WriteNumber("fuel_per_call", f);
                if (l.MemoryMib is { } mem) w.WriteNumber("memory_mib", mem);
                if (l.TimeoutMs is { } t) w.WriteNumber("timeout_ms", t);
                w.WriteEndObject();
            }
            w.WriteBoolean("log", Log);
            w.WriteStartArray("secrets");
            foreach (var s in (Secrets ?? []).OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteStartArray("hosts");
                foreach (var h in s.Hosts.Order(StringComparer.Ordinal)) w.WriteStringValue(h);
                w.WriteEndArray();
                w.WriteString("name", s.Name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public string Hash() => PackageStatement.Digest(Canonical());

    /// <summary>The manifest in plain words, as shown before install (R4).</summary>
    public string[] Summary()
    {
        var lines = new List<string>();
        if (Http is { Hosts.Length: > 0 } http)
            lines.Add($"Sends HTTPS requests ({string.Join(", ", (http.Methods ?? ["GET"]).Select(m => m.ToUpperInvariant()))}) to {string.Join(", ", http.Hosts.Select(Bare))}");
        else
            lines.Add("Makes no network requests");
        if (Kv is { } kv)
            lines.Add($"Reads and writes up to {Bytes(kv.MaxBytes)} of this flow's project memory");
        foreach (var s in Secrets ?? [])
            lines.Add($"Uses your secret {s.Name} (only sent to {string.Join(", ", s.Hosts.Select(Bare))})");
        if (Log)
            lines.Add("Writes to the flow's log");
        if (Limits is { } l)
        {
            var parts = new List<string>();
            if (l.FuelPerCall is { } f) parts.Add($"{Fuel(f)} fuel");
            if (l.MemoryMib is { } m) parts.Add($"{m} MiB memory");
            if (l.TimeoutMs is { } t) parts.Add(t % 1000 == 0 ? $"{t / 1000} s" : $"{t} ms");
            if (parts.Count > 0) lines.Add($"Up to {string.Join(", ", parts)} per call");
        }
        return [.. lines];
    }

    /// <summary>The ways <paramref name="next"/> asks for more than this manifest grants (empty when it does not widen).</summary>
    public string[] WidenedBy(ToolPermissions next)
    {
        var diff = new List<string>();
        var hosts = Http?.Hosts ?? [];
        foreach (var h in next.Http?.Hosts ?? [])
            if (!hosts.Contains(h, StringComparer.OrdinalIgnoreCase)) diff.Add($"new host {h}");
        var methods = (Http?.Methods ?? (Http is null ? [] : ["GET"])).Select(m => m.ToUpperInvariant()).ToHashSet();
        foreach (var m in next.Http is null ? [] : next.Http.Methods ?? ["GET"])
            if (!methods.Contains(m.ToUpperInvariant())) diff.Add($"new HTTP method {m.ToUpperInvariant()}");
        if (next.Log && !Log) diff.Add("writes to the log");
        if (next.Kv is { } kv && (Kv is null || kv.MaxBytes > Kv.MaxBytes)) diff.Add($"project memory up to {Bytes(kv.MaxBytes)}");
        foreach (var s in next.Secrets ?? [])
        {
            var old = (Secrets ?? []).FirstOrDefault(o => o.Name == s.Name);
            if (old is null) diff.Add($"new secret {s.Name}");
            else if (s.Hosts.Any(h => !old.Hosts.Contains(h, StringComparer.OrdinalIgnoreCase))) diff.Add($"secret {s.Name} sent to more hosts");
        }
        if (Bigger(next.Limits?.FuelPerCall, Limits?.FuelPerCall)) diff.Add("more fuel per call");
        if (Bigger(next.Limits?.MemoryMib, Limits?.MemoryMib)) diff.Add("more memory");
        if (Bigger(next.Limits?.TimeoutMs, Limits?.TimeoutMs)) diff.Add("a longer timeout");
        return [.. diff];
    }

    private static bool Bigger(long? next, long? old) => old is { } o && (next is null || next > o);

    private static string Bare(string pattern) => pattern.StartsWith("https://", StringComparison.Ordinal) ? pattern[8..] : pattern;

    private static string Bytes(long b) => b >= 1 << 20 && b % (1 << 20) == 0 ? $"{b >> 20} MiB" : b >= 1024 && b % 1024 == 0 ? $"{b >> 10} KiB" : $"{b} bytes";

    private static string Fuel(long f) => f >= 1_000_000 ? (f / 1_000_000.0).ToString("0.#", CultureInfo.InvariantCulture) + "M" : f.ToString(CultureInfo.InvariantCulture);
}

public sealed record KvGrant(long MaxBytes);

public sealed record HttpGrant(string[] Hosts, string[]? Methods = null, long? MaxResponseBytes = null);

public sealed record SecretGrant(string Name, string[] Hosts, string? Purpose = null);

public sealed record ToolLimits(long? FuelPerCall = null, int? MemoryMib = null, int? TimeoutMs = null);
