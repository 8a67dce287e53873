using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Nextra.Modules.Storage;

/// <summary>
/// An exclusive lock on the data directory (<c>nextra.lock</c>, an OS file lock released when the process dies,
/// even by kill -9) held by <c>nextra serve</c>; the holder's pid, host and start time are in <c>nextra.pid</c> so a
/// second server can name it. Two servers on one directory would each recover the other's in-flight runs.
/// </summary>
public sealed class DataDirLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _pidFile;

    private DataDirLock(FileStream handle, string pidFile)
    {
        _lock = handle;
        _pidFile = pidFile;
    }

    /// <summary>Takes the lock or throws <see cref="IOException"/> naming the process that holds it.</summary>
    public static DataDirLock Acquire(string dataDir, TimeProvider time)
    {
        var dir = Path.GetFullPath(dataDir);
        Directory.CreateDirectory(dir);
        var lockPath = Path.Combine(dir, "nextra.lock");
        var pidPath = Path.Combine(dir, "nextra.pid");
        FileStream handle;
        try
        {
            // FileShare.None is an exclusive flock on Unix: a second opener fails while this process lives.
            handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new IOException(Holder(dir, pidPath));
        }
        var who = string.Create(CultureInfo.InvariantCulture,
            $"pid {Environment.ProcessId} on {Environment.MachineName}, started {time.GetUtcNow():yyyy-MM-dd HH:mm:ss}Z");
        File.WriteAllText(pidPath, who);
        return new DataDirLock(handle, pidPath);
    }

    /// <summary>True when a server holds the lock on <paramref name="dataDir"/> now.</summary>
    public static bool IsHeld(string dataDir)
    {
        var lockPath = Path.Combine(Path.GetFullPath(dataDir), "nextra.lock");
        if (!File.Exists(lockPath)) return false;
        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static string Holder(string dir, string pidPath)
    {
        string who;
        try
        {
            who = File.Exists(pidPath) ? File.ReadAllText(pidPath).Trim() : "another process";
        }
        catch (IOException)
        {
            who = "another process";
        }
        return $"The data directory {dir} is in use by another nextra server ({who}). Stop it first, or give this one another --data-dir.";
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_pidFile);
        }
        catch (IOException)
        {
        }
        _lock.Dispose();
    }
}

/// <summary>Takes the data-directory lock before anything else starts (registered first by <c>AddStorage</c>).</summary>
internal sealed class DataDirLockService(IOptions<StorageOptions> options, TimeProvider time) : IHostedService, IDisposable
{
    private DataDirLock? _lock;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.LockDataDir && !o.IsPostgres) _lock = DataDirLock.Acquire(o.DataDir, time);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Released when the host is disposed, after every other service has stopped writing.
    public void Dispose() => _lock?.Dispose();
}
