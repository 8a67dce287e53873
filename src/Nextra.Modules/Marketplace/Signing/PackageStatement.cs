using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Nextra.Modules.Marketplace.Signing;

/// <summary>
/// The signed statement of one package version (R3): canonical JSON (UTF-8, keys sorted, no whitespace) of
/// <c>{created, files:{path:"sha256:…"}, id, kind, permissions_sha256, type:"nextra.pkg/v1", version}</c>.
/// A publisher signs <c>"NEXTRA-PKG-V1\n" || sha256(statement)</c>; the registry countersigns
/// <c>"NEXTRA-APPROVAL-V1\n" || sha256(approval)</c> where approval is <c>{approved_at, review_level, statement_sha256}</c>.
/// Hashing a statement, not a zip walk, avoids Dify's walk-order and zip-comment fragility.
/// </summary>
public static class PackageStatement
{
    private static readonly byte[] PkgPrefix = "NEXTRA-PKG-V1\n"u8.ToArray();
    private static readonly byte[] ApprovalPrefix = "NEXTRA-APPROVAL-V1\n"u8.ToArray();

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static string Digest(string text) => Digest(Encoding.UTF8.GetBytes(text));

    public static string Create(string id, string version, string kind, IReadOnlyDictionary<string, string> files, string permissionsSha256, string created)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("created", created);
            w.WriteStartObject("files");
            foreach (var (path, digest) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
                w.WriteString(path, digest);
            w.WriteEndObject();
            w.WriteString("id", id);
            w.WriteString("kind", kind);
            w.WriteString("permissions_sha256", permissionsSha256);
            w.WriteString("type", "nextra.pkg/v1");
            w.WriteString("version", version);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Approval(string statement, string reviewLevel, string approvedAt)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("approved_at", approvedAt);
            w.WriteString("review_level", reviewLevel);
            w.WriteString("statement_sha256", Digest(statement));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>What a publisher key signs for <paramref name="statement"/>.</summary>
    public static byte[] PublisherMessage(string statement) => Prefixed(PkgPrefix, statement);

    /// <summary>What the registry key signs for an approval document.</summary>
    public static byte[] ApprovalMessage(string approval) => Prefixed(ApprovalPrefix, approval);

    private static byte[] Prefixed(byte[] prefix, string document) => [.. prefix, .. SHA256.HashData(Encoding.UTF8.GetBytes(document))];

    /// <summary>Reads the file digests back out of a stored statement (to compare with the stored bytes).</summary>
    public static IReadOnlyDictionary<string, string> Files(string statement)
    {
        using var doc = JsonDocument.Parse(statement);
        return doc.RootElement.GetProperty("files").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
    }

    public static string Field(string statement, string name)
    {
        using var doc = JsonDocument.Parse(statement);
        return doc.RootElement.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";
    }
}
