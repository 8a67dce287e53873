using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Nextra.Modules.Marketplace;

/// <summary><c>manifest.json</c> of a <c>.ntpkg</c>: the JSON publish request without the module or flow id.</summary>
public sealed record PackageManifest(string? Kind, string? Name, string? Version, string? DisplayName, string? Summary, string[]? Categories,
    ToolPermissions? Permissions, TemplateInput[]? Inputs, string? Visibility);

/// <summary>
/// <c>signature.json</c> of a package exported from a server (<c>GET …/package</c>): the version as that server stored it —
/// the signed statement, the publisher's signature, key id and public key, the exact manifest the statement's
/// <c>permissions_sha256</c> covers, and the registry's approval with its countersignature and key id.
/// </summary>
public sealed record PackageSignature(string Type, string Statement, string Signature, string SignerKeyId, string PublisherKey, string Manifest,
    string? Approval, string? Countersignature, string? CounterKeyId)
{
    public const string CurrentType = "nextra.signed/v1";
}

/// <summary>A read package: the publish request (readme from README.md), the artifact it carries and, when exported from a server, its signatures.</summary>
public sealed record PackageContent(PublishRequest Request, byte[]? Module, string? ModuleFile, string? FlowYaml, PackageSignature? Signed = null);

/// <summary>
/// The <c>.ntpkg</c> package (<c>POST /api/marketplace/publish</c>, multipart field <c>package</c>; built by <c>nextra marketplace pack</c>):
/// a zip holding exactly <c>manifest.json</c>, <c>README.md</c> (optional) and either <c>module.wasm</c> / <c>module.wat</c> (a tool) or
/// <c>flow.yaml</c> (a template), and <c>signature.json</c> when a server exported it signed (<see cref="PackageSignature"/>).
/// No other entries, no folders, bounded sizes: nothing in it is trusted until the publish checks pass.
/// </summary>
public static class NtpkgPackage
{
    public const string Manifest = "manifest.json";
    public const string Readme = "README.md";
    public const string Wasm = "module.wasm";
    public const string Wat = "module.wat";
    public const string Flow = "flow.yaml";
    public const string Signature = "signature.json";
    private static readonly string[] Allowed = [Manifest, Readme, Wasm, Wat, Flow, Signature];
    public const long MaxReadmeBytes = 256 * 1024;
    public const long MaxFlowBytes = 1024 * 1024;

    /// <summary>Reads and checks a package; a malformed one is a 422 naming the problem.</summary>
    public static PackageContent Read(Stream stream, long maxModuleBytes)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            throw MarketplaceErrors.Invalid("package", "The package is not a zip archive (build one with nextra marketplace pack).");
        }
        using (zip)
        {
            var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            if (zip.Entries.Count > Allowed.Length)
                throw MarketplaceErrors.Invalid("package", $"A package holds at most {Allowed.Length} files: {string.Join(", ", Allowed)}.");
            foreach (var entry in zip.Entries)
            {
                if (!Allowed.Contains(entry.FullName))
                    throw MarketplaceErrors.Invalid("package", $"'{entry.FullName}' does not belong in a package; it holds only {string.Join(", ", Allowed)} at its top level.");
                if (entries.ContainsKey(entry.FullName))
                    throw MarketplaceErrors.Invalid("package", $"'{entry.FullName}' appears twice.");
                var limit = entry.FullName switch { Readme => MaxReadmeBytes, Flow => MaxFlowBytes, Manifest => 64 * 1024, Signature => 256 * 1024, _ => maxModuleBytes };
                entries[entry.FullName] = ReadBounded(entry, limit);
            }
            if (!entries.TryGetValue(Manifest, out var manifestBytes))
                throw MarketplaceErrors.Invalid("package", "The package has no manifest.json.");
            PackageManifest manifest;
            try
            {
                manifest = JsonSerializer.Deserialize(manifestBytes, MarketplaceJsonContext.Default.PackageManifest)
                    ?? throw new JsonException("null");
            }
            catch (JsonException ex)
            {
                throw MarketplaceErrors.Invalid("package", $"manifest.json is not valid JSON: {ex.Message}");
            }
            var kind = manifest.Kind?.Trim().ToLowerInvariant();
            var modules = new[] { Wasm, Wat }.Where(entries.ContainsKey).ToArray();
            var hasFlow = entries.ContainsKey(Flow);
            if (kind == "tool" && (modules.Length != 1 || hasFlow))
                throw MarketplaceErrors.Invalid("package", "A tool package holds exactly one of module.wasm or module.wat, and no flow.yaml.");
            if (kind == "flow" && (!hasFlow || modules.Length > 0))
                throw MarketplaceErrors.Invalid("package", "A template package holds flow.yaml and no module.");
            if (kind is not ("tool" or "flow"))
                throw MarketplaceErrors.Invalid("kind", "manifest.json: kind is tool or flow.");
            PackageSignature? signed = null;
            if (entries.TryGetValue(Signature, out var signatureBytes))
            {
                try
                {
                    signed = JsonSerializer.Deserialize(signatureBytes, MarketplaceJsonContext.Default.PackageSignature) ?? throw new JsonException("null");
                }
                catch (JsonException ex)
                {
                    throw new Common.ApiException(422, MarketplaceErrors.SignatureInvalid, "Signature invalid", $"signature.json is not valid JSON: {ex.Message}");
                }
                if (signed.Type != PackageSignature.CurrentType)
                    throw new Common.ApiException(422, MarketplaceErrors.SignatureInvalid, "Signature invalid", $"signature.json: type is {PackageSignature.CurrentType}.");
            }
            var readme = entries.TryGetValue(Readme, out var r) ? Utf8(r, Readme) : null;
            var request = new PublishRequest(kind, null, null, manifest.Name, manifest.Version, manifest.DisplayName, manifest.Summary, readme,
                manifest.Categories, manifest.Permissions, manifest.Inputs, manifest.Visibility);
            return kind == "tool"
                ? new PackageContent(request, entries[modules[0]], modules[0] == Wat ? "tool.wat" : "tool.wasm", null, signed)
                : new PackageContent(request, null, null, Utf8(entries[Flow], Flow), signed);
        }
    }

    /// <summary>
    /// Writes a package (what <c>GET …/package</c> exports): manifest.json, README.md, the artifact under its package name
    /// (<paramref name="storedFile"/> tool.wasm → module.wasm, tool.wat → module.wat, organism.yaml → flow.yaml) with its
    /// stored bytes, and signature.json. Entries in a fixed order with a fixed time, so one version exports the same bytes.
    /// </summary>
    public static byte[] Write(PackageManifest manifest, string? readme, string storedFile, byte[] artifact, PackageSignature? signature)
    {
        var artifactName = storedFile switch { "tool.wasm" => Wasm, "tool.wat" => Wat, "organism.yaml" => Flow, _ => throw new ArgumentException($"unknown artifact {storedFile}") };
        var files = new List<(string Name, byte[] Bytes)>
        {
            (Manifest, JsonSerializer.SerializeToUtf8Bytes(manifest, MarketplaceJsonContext.Default.PackageManifest)),
        };
        if (!string.IsNullOrEmpty(readme)) files.Add((Readme, Encoding.UTF8.GetBytes(readme)));
        files.Add((artifactName, artifact));
        if (signature is not null) files.Add((Signature, JsonSerializer.SerializeToUtf8Bytes(signature, MarketplaceJsonContext.Default.PackageSignature)));
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in files)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var target = entry.Open();
                target.Write(bytes);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>The name a version's artifact has in the signed statement, from its package file name.</summary>
    public static string StoredFile(string packageFile) => packageFile switch { Wasm => "tool.wasm", Wat => "tool.wat", _ => "organism.yaml" };

    /// <summary>Builds a package from a folder holding the package's files (what <c>nextra marketplace pack</c> does); checks it reads back.</summary>
    public static byte[] Pack(string directory, long maxModuleBytes)
    {
        if (!Directory.Exists(directory))
            throw new ArgumentException($"'{directory}' is not a folder. It should hold manifest.json, README.md and module.wasm (a tool) or flow.yaml (a template).");
        var files = Allowed.Select(n => Path.Combine(directory, n)).Where(File.Exists).ToArray();
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var entry = zip.CreateEntry(Path.GetFileName(file), CompressionLevel.Optimal);
                entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero); // reproducible bytes
                using var target = entry.Open();
                using var source = File.OpenRead(file);
                source.CopyTo(target);
            }
        }
        var bytes = buffer.ToArray();
        try
        {
            Read(new MemoryStream(bytes), maxModuleBytes);
        }
        catch (Common.ApiException ex)
        {
            throw new ArgumentException($"{directory}: {ex.Detail ?? ex.Message}");
        }
        return bytes;
    }

    private static byte[] ReadBounded(ZipArchiveEntry entry, long limit)
    {
        if (entry.Length > limit)
            throw MarketplaceErrors.Invalid("package", $"{entry.FullName} is {entry.Length} bytes; at most {limit}.");
        using var source = entry.Open();
        using var target = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = source.Read(chunk, 0, chunk.Length)) > 0)
        {
            // The declared length can lie: count what actually inflates.
            if (target.Length + n > limit)
                throw MarketplaceErrors.Invalid("package", $"{entry.FullName} inflates beyond {limit} bytes.");
            target.Write(chunk, 0, n);
        }
        return target.ToArray();
    }

    private static string Utf8(byte[] bytes, string name)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw MarketplaceErrors.Invalid("package", $"{name} is not UTF-8 text.");
        }
    }
}
