using System.Text.Json;
using Nextra.Modules.Marketplace.Signing;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// Signing on the publisher's machine (R3, <c>nextra marketplace keygen</c> and <c>pack --sign</c>): the private key never
/// reaches the server. The package carries <c>signature.json</c> with the statement the server would have made (the same
/// digests and permissions hash; a template's YAML sanitized first, exactly as the server does) and the publisher's signature;
/// the server accepts it when the key is registered for that publisher and countersigns it on approval.
/// </summary>
public static class PackageSigner
{
    public static PublisherKeyFile NewKey(string? publisher)
    {
        var (priv, pub) = Ed25519Keys.Generate();
        return new PublisherKeyFile(PublisherKeyFile.CurrentType, publisher, Ed25519Keys.KeyId(pub), Convert.ToBase64String(pub), Convert.ToBase64String(priv));
    }

    public static string Serialize(PublisherKeyFile key) => JsonSerializer.Serialize(key, MarketplaceJsonContext.Default.PublisherKeyFile);

    public static PublisherKeyFile ReadKey(string json)
    {
        PublisherKeyFile? key;
        try
        {
            key = JsonSerializer.Deserialize(json, MarketplaceJsonContext.Default.PublisherKeyFile);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The key file is not JSON: {ex.Message}");
        }
        if (key is null || key.Type != PublisherKeyFile.CurrentType)
            throw new ArgumentException($"The key file is not a {PublisherKeyFile.CurrentType} key (make one with nextra marketplace keygen).");
        var priv = new byte[32];
        if (!Convert.TryFromBase64String(key.PrivateKey ?? "", priv, out var n) || n != 32
            || Ed25519Keys.KeyId(Convert.FromBase64String(key.PublicKey ?? "")) != key.KeyId)
            throw new ArgumentException("The key file's keys are malformed or do not belong together.");
        return key;
    }

    /// <summary>Signs a package built by <see cref="NtpkgPackage.Pack"/> for <paramref name="publisher"/>/NAME; returns the signed package.</summary>
    public static byte[] Sign(byte[] package, PublisherKeyFile key, string publisher, DateTimeOffset created)
    {
        var content = NtpkgPackage.Read(new MemoryStream(package), long.MaxValue);
        if (content.Signed is not null)
            throw new ArgumentException("The folder holds a signature.json already; remove it to sign again.");
        var request = content.Request;
        string file, manifest, permissionsHash;
        byte[] artifact;
        if (request.Kind == "tool")
        {
            var permissions = request.Permissions ?? new ToolPermissions();
            file = content.ModuleFile!;
            artifact = content.Module!;
            manifest = JsonSerializer.Serialize(permissions, MarketplaceJsonContext.Default.ToolPermissions);
            permissionsHash = permissions.Hash();
        }
        else
        {
            var sanitized = TemplateSanitizer.Sanitize(content.FlowYaml!);
            if (sanitized.Findings.Length > 0)
                throw new ArgumentException(string.Join("; ", sanitized.Findings.Select(f => $"flow.yaml line {f.Line}, col {f.Column}: {f.Message}")));
            file = "organism.yaml";
            artifact = System.Text.Encoding.UTF8.GetBytes(sanitized.Yaml);
            manifest = JsonSerializer.Serialize(new TemplateManifest(request.Inputs ?? [], sanitized.Secrets, sanitized.Tools), MarketplaceJsonContext.Default.TemplateManifest);
            permissionsHash = PackageStatement.Digest(manifest);
        }
        var statement = PackageStatement.Create($"{publisher}/{request.Name}", request.Version ?? "", request.Kind!,
            new Dictionary<string, string> { [file] = PackageStatement.Digest(artifact) }, permissionsHash, Storage.SqliteCommands.Iso(created));
        var signature = Ed25519Keys.Sign(Convert.FromBase64String(key.PrivateKey), PackageStatement.PublisherMessage(statement));
        var signed = new PackageSignature(PackageSignature.CurrentType, statement, Convert.ToBase64String(signature), key.KeyId, key.PublicKey, manifest, null, null, null);
        var packageManifest = new PackageManifest(request.Kind, request.Name, request.Version, request.DisplayName, request.Summary, request.Categories,
            request.Permissions, request.Inputs, request.Visibility);
        return NtpkgPackage.Write(packageManifest, request.Readme, file, artifact, signed);
    }
}
