using System.Diagnostics;
using Nextra.Host.Tests.Runs;

namespace Nextra.Host.Tests.Process;

/// <summary>The data directory is owner-only: created 0700 with 0600 files, and a wider one is warned about (issue 19, defect 6).</summary>
public sealed class DataDirPermissionsTests : IDisposable
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string _parent = Directory.CreateTempSubdirectory("nextra-perm-").FullName;

    [Fact]
    public async Task Serve_FreshDataDir_IsOwnerOnlyWithOwnerOnlyFiles()
    {
        if (OperatingSystem.IsWindows()) return;
        var dataDir = Path.Combine(_parent, "data");
        var user = await NextraProcess.RunAsync("user", "create", "--email", "perm@example.test", "--password", "permission-pw", "--data-dir", dataDir);
        Assert.True(user.Code == 0, user.Stderr + user.Stdout);

        using (var server = await ServerProcess.StartAsync(dataDir, NextraProcess.FreePort()))
        {
            using var http = server.Client();
            // A run makes the inbox and traces databases (and their WAL files) exist too.
            await WaitForAsync(() => File.Exists(Path.Combine(dataDir, "traces.db")) && File.Exists(Path.Combine(dataDir, "inbox.db")));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataDir));
        var files = Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("nextra.db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("secrets.key", StringComparison.Ordinal));
        foreach (var file in files)
            Assert.True((File.GetUnixFileMode(file) & GroupOrOther) == 0, $"{file} is {File.GetUnixFileMode(file)}");
        foreach (var dir in Directory.EnumerateDirectories(dataDir, "*", SearchOption.AllDirectories))
            Assert.True((File.GetUnixFileMode(dir) & GroupOrOther) == 0, $"{dir} is {File.GetUnixFileMode(dir)}");
    }

    [Fact]
    public async Task Serve_WorldReadableDataDir_WarnsAtStart()
    {
        if (OperatingSystem.IsWindows()) return;
        var dataDir = Path.Combine(_parent, "wide");
        Directory.CreateDirectory(dataDir);
        File.SetUnixFileMode(dataDir, (UnixFileMode)Convert.ToInt32("755", 8));

        using var server = await ServerProcess.StartAsync(dataDir, NextraProcess.FreePort());

        await WaitForAsync(() => server.Log.Contains("readable by other users", StringComparison.Ordinal));
        Assert.Contains("chmod 700", server.Log);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "condition not met within 30 s");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_parent, recursive: true); }
        catch (IOException) { }
    }
}
