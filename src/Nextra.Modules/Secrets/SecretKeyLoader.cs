using System.Security.Cryptography;

namespace Nextra.Modules.Secrets;

/// <summary>
/// Finds the secrets key: the configured one, else the key file in the data directory, generated
/// (32 random bytes, owner-only permissions) the first time the server starts.
/// </summary>
public static class SecretKeyLoader
{
    public const int KeyBytes = 32;

    public static byte[] Load(SecretsOptions options, string dataDir)
    {
        if (!string.IsNullOrWhiteSpace(options.Key))
            return Decode(options.Key, "Secrets:Key");
        var path = Path.IsPathRooted(options.KeyFile) ? options.KeyFile : Path.Combine(dataDir, options.KeyFile);
        if (File.Exists(path))
            return Decode(File.ReadAllText(path), path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        try
        {
            // CreateNew: two instances starting at once must not overwrite each other's key.
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(key));
        }
        catch (IOException) when (File.Exists(path))
        {
            return Decode(File.ReadAllText(path), path);
        }
        return key;
    }

    private static byte[] Decode(string text, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"the secrets key in {source} is not base64", e);
        }
        if (key.Length != KeyBytes)
            throw new InvalidOperationException($"the secrets key in {source} must be {KeyBytes} bytes (base64 of 32 random bytes), not {key.Length}");
        return key;
    }
}
