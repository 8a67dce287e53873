using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Nextra.Host.Ui;

/// <summary>
/// The browser UI's build output (<c>wwwroot/dist/**</c>) embedded in the nextra assembly under
/// logical names <c>ui/&lt;path&gt;</c> by the Host csproj.
/// </summary>
internal sealed class EmbeddedUi
{
    private const string Prefix = "ui/";
    private readonly Assembly _assembly;
    private readonly FrozenDictionary<string, string> _resources;
    private readonly Dictionary<string, UiFile> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public EmbeddedUi() : this(typeof(EmbeddedUi).Assembly)
    {
    }

    public EmbeddedUi(Assembly assembly)
    {
        _assembly = assembly;
        _resources = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(n => n[Prefix.Length..].Replace('\\', '/'), n => n, StringComparer.Ordinal);
    }

    /// <summary>False when the UI was not built into this binary.</summary>
    public bool HasIndex => _resources.ContainsKey("index.html");

    /// <summary>The file at a relative path (<c>assets/app-1a2b.js</c>), or null.</summary>
    public UiFile? Find(string relativePath)
    {
        if (!_resources.TryGetValue(relativePath, out var name))
        {
            return null;
        }
        lock (_gate)
        {
            if (_cache.TryGetValue(relativePath, out var cached))
            {
                return cached;
            }
            using var stream = _assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var file = new UiFile(relativePath, bytes, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
            _cache[relativePath] = file;
            return file;
        }
    }
}

/// <summary>One embedded file with a strong ETag.</summary>
internal sealed record UiFile(string Path, byte[] Content, string ETag);
