using System.Runtime.InteropServices;
using Nextra.Host.Configuration;

namespace Nextra.Host.Hosting;

/// <summary>
/// The data directory holds password and key hashes, encrypted secrets and run payloads: it is created owner-only
/// (0700) and every file the process creates is owner-only (umask 077, so SQLite's databases, WAL and shared-memory
/// files, backups and caches are 0600). An existing directory (or database) readable by others is left as the
/// operator made it, with a warning at start.
/// </summary>
internal static partial class DataDirectoryGuard
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Applies the umask, creates the directory if missing; returns a warning when the existing one is wider, else null.</summary>
    public static string? Prepare(IConfiguration configuration)
    {
        if (OperatingSystem.IsWindows()) return null;
        _ = Umask(Convert.ToUInt32("077", 8));
        var dir = Path.GetFullPath(configuration[ConfigKeys.DataDir] is { Length: > 0 } d ? d : NextraDefaults.DataDir);
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir, OwnerOnly);
            return null;
        }
        var wide = new List<string>();
        if ((File.GetUnixFileMode(dir) & GroupOrOther) != 0) wide.Add($"{dir} ({Octal(File.GetUnixFileMode(dir))})");
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            var mode = File.GetUnixFileMode(file);
            if ((mode & GroupOrOther) != 0) wide.Add($"{Path.GetFileName(file)} ({Octal(mode)})");
        }
        if (wide.Count == 0) return null;
        return $"The data directory is readable by other users: {string.Join(", ", wide.Take(8))}{(wide.Count > 8 ? ", …" : "")}. "
            + $"It holds password and key hashes, secrets and run payloads; restrict it with: chmod 700 '{dir}' && chmod 600 '{dir}'/*";
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    // umask(2) cannot fail; a P/Invoke keeps it AOT-friendly with no extra package.
    [DllImport("libc", EntryPoint = "umask")]
#pragma warning disable SYSLIB1054 // a single blittable call; LibraryImport would need unsafe code enabled for the Host
    private static extern uint Umask(uint mask);
#pragma warning restore SYSLIB1054
}
