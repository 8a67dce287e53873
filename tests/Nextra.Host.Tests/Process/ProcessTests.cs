using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Process;

/// <summary>The real executable: serve, CLI writes beside the running server, API calls, SIGTERM.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("nextra-proc-").FullName;

    [Fact]
    public async Task Serve_CliUserAndKey_ApiWorks_SigtermExitsCleanly()
    {
        var port = NextraProcess.FreePort();
        var url = $"http://127.0.0.1:{port}";
        // With the documented example config: every key in it must be one the server accepts.
        var config = Path.Combine(RepoRoot.Path, "nextra.example.toml");
        using var server = System.Diagnostics.Process.Start(NextraProcess.StartInfo("serve", "--config", config, "--data-dir", _dataDir, "--urls", url))!;
        var stdout = new StringBuilder();
        server.OutputDataReceived += (_, e) => { lock (stdout) { stdout.AppendLine(e.Data); } };
        server.ErrorDataReceived += (_, e) => { lock (stdout) { stdout.AppendLine(e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            await WaitReadyAsync(http, server, stdout);
            await WaitForAsync(() => { lock (stdout) { return stdout.ToString().Contains("/setup?token=", StringComparison.Ordinal); } },
                "setup link", stdout);

            var user = await NextraProcess.RunAsync("user", "create", "--email", "proc@example.test", "--password", "process-test-pw", "--data-dir", _dataDir);
            Assert.True(user.Code == 0, user.Stderr + user.Stdout);
            var key = await NextraProcess.RunAsync("apikey", "create", "--email", "proc@example.test", "--name", "ci", "--data-dir", _dataDir);
            Assert.True(key.Code == 0, key.Stderr + key.Stdout);
            var apiKey = key.Stdout.TrimEnd().Split('\n')[^1].Trim();
            Assert.StartsWith("nxk_", apiKey, StringComparison.Ordinal);

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            var created = await http.PostAsJsonAsync("/api/flows", new { name = "proc", organismYaml = Api.Flows.ValidYaml });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
            var read = await http.GetFromJsonAsync<JsonObject>($"/api/flows/{id}");
            Assert.Equal("proc", read!["name"]!.GetValue<string>());

            Assert.Equal(0, kill(server.Id, 15 /* SIGTERM */));
            using var exitTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await server.WaitForExitAsync(exitTimeout.Token);
            Assert.True(server.ExitCode == 0, $"exit {server.ExitCode}\n{stdout}");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }
    }

    [Fact]
    public async Task Cli_Version_Prints()
    {
        var (code, stdout, _) = await NextraProcess.RunAsync("version");

        Assert.Equal(0, code);
        Assert.StartsWith("nextra ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_MigrateTwice_SecondIsUpToDate()
    {
        var first = await NextraProcess.RunAsync("migrate", "--data-dir", _dataDir);
        var second = await NextraProcess.RunAsync("migrate", "--data-dir", _dataDir);

        Assert.Equal(0, first.Code);
        Assert.Contains("applied accounts 0001", first.Stdout, StringComparison.Ordinal);
        Assert.Equal("up to date", second.Stdout.Trim());
    }

    [Fact]
    public async Task Cli_DuplicateUser_ExitsNonZeroWithMessage()
    {
        await NextraProcess.RunAsync("user", "create", "--email", "dup@example.test", "--password", "long enough", "--data-dir", _dataDir);

        var again = await NextraProcess.RunAsync("user", "create", "--email", "dup@example.test", "--password", "long enough", "--data-dir", _dataDir);

        Assert.Equal(1, again.Code);
        Assert.Contains("already exists", again.Stderr, StringComparison.Ordinal);
    }

    private static async Task WaitReadyAsync(HttpClient http, System.Diagnostics.Process server, StringBuilder log)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Assert.False(server.HasExited, $"server exited early:\n{log}");
            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        Assert.Fail($"not ready after 30 s:\n{log}");
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, StringBuilder log)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"no {what}:\n{log}");
            await Task.Delay(50);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // a one-off P/Invoke in a test; LibraryImport source generation is not worth it here
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
