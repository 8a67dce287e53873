using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Nextra.Host.Tests.Process;

namespace Nextra.Host.Tests.Runs;

/// <summary>One <c>nextra serve</c> child process on a data dir, with its output captured.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly StringBuilder _log = new();

    private ServerProcess(System.Diagnostics.Process process, string url)
    {
        Process = process;
        Url = url;
    }

    public System.Diagnostics.Process Process { get; }
    public string Url { get; }
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public static Task<ServerProcess> StartAsync(string dataDir, int port, params (string Key, string Value)[] env) =>
        StartAsync(dataDir, port, TimeSpan.FromSeconds(30), env);

    /// <summary>Starts <c>nextra serve</c> and waits for /health/ready; on failure the process is killed, not leaked.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDir, int port, TimeSpan readyTimeout, params (string Key, string Value)[] env)
    {
        var url = $"http://127.0.0.1:{port}";
        var info = NextraProcess.StartInfo("serve", "--data-dir", dataDir, "--urls", url);
        foreach (var (key, value) in env) info.Environment[key] = value;
        var server = new ServerProcess(System.Diagnostics.Process.Start(info)!, url);
        server.Process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server.Process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server.Process.BeginOutputReadLine();
        server.Process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < readyTimeout)
        {
            if (server.Process.HasExited)
            {
                server.Dispose();
                Assert.Fail($"server exited early:\n{server.Log}");
            }
            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        server.Dispose();
        throw new TimeoutException($"not ready after {readyTimeout.TotalSeconds:F0} s:\n{server.Log}");
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public void Signal(int signal) => Assert.Equal(0, kill(Process.Id, signal));

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill();
        Process.Dispose();
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // a one-off P/Invoke in a test
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
}
