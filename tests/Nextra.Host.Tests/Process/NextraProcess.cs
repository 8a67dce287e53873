using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nextra.Host.Tests.Process;

/// <summary>Runs the built <c>nextra</c> executable (framework-dependent build output of src/Nextra.Host).</summary>
public static class NextraProcess
{
    /// <summary>The apphost next to the Host's build output, same configuration as these tests.</summary>
    public static string Executable
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name; // bin/<Configuration>/net10.0/
            var path = Path.Combine(RepoRoot.Path, "src", "Nextra.Host", "bin", configuration, "net10.0", "nextra");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build src/Nextra.Host first", path);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // Keep the test's own environment from leaking NEXTRA_* settings into the child.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("NEXTRA_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }
        info.Environment["NEXTRA_ACCOUNTS__PASSWORD_ITERATIONS"] = "1000";
        return info;
    }

    /// <summary>Runs a one-shot command to completion; returns exit code and output.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => RunWithAsync(null, args);

    /// <summary>Runs a one-shot command with extra environment variables (e.g. <c>NEXTRA_STORAGE__*</c>).</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunWithAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = StartInfo(args);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
