using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nextra.Host.Tests.Process;
using Xunit.Abstractions;

namespace Nextra.Host.Tests.Runs;

/// <summary>
/// The storage stack with the real executable: one server per data directory, backups taken under load that a
/// restored server finishes from, and recovery that counts an attempt only when a run really started.
/// </summary>
public sealed class StorageProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("nextra-storage-").FullName;
    private readonly List<string> _cleanup = [];

    [Fact]
    public async Task SecondServe_SameDataDir_ExitsAtOnceNamingTheFirst()
    {
        using var first = await ServerProcess.StartAsync(_dataDir, NextraProcess.FreePort());
        var second = await NextraProcess.RunAsync("serve", "--data-dir", _dataDir, "--urls", $"http://127.0.0.1:{NextraProcess.FreePort()}");
        Assert.NotEqual(0, second.Code);
        var said = second.Stderr + second.Stdout;
        Assert.Contains("in use by another nextra server", said);
        Assert.Contains($"pid {first.Process.Id}", said);
        // One-shot commands still work beside the server.
        var user = await NextraProcess.RunAsync("user", "create", "--email", "beside@example.test", "--password", "beside-test-pw", "--data-dir", _dataDir);
        Assert.True(user.Code == 0, user.Stderr + user.Stdout);
        // Restore refuses a directory a server holds.
        var refused = await NextraProcess.RunAsync("restore", Path.Combine(_dataDir, "none.tar.gz"), "--data-dir", _dataDir);
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("stop it before restoring", refused.Stderr + refused.Stdout);
    }

    [Fact]
    public async Task Backup_UnderWebhookLoad_RestoredServerFinishesEveryRunAcknowledgedBefore()
    {
        var apiKey = await CreateUserAndKeyAsync(_dataDir);
        var port = NextraProcess.FreePort();
        var archive = Path.Combine(Directory.CreateTempSubdirectory("nextra-backup-").FullName, "snapshot.tar.gz");
        _cleanup.Add(Path.GetDirectoryName(archive)!);
        var acknowledged = new ConcurrentQueue<string>();
        string[] beforeBackup;
        using (var server = await ServerProcess.StartAsync(_dataDir, port))
        {
            using var api = server.Client(apiKey);
            var (_, hook) = await RunFlows.DeployAsync(api);
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 8).Select(_ => Task.Run(() => SendAsync(server.Url, hook, acknowledged, stop.Token))).ToArray();
            while (acknowledged.Count < 200) await Task.Delay(10);
            beforeBackup = [.. acknowledged];
            var backup = await NextraProcess.RunAsync("backup", "--out", archive, "--data-dir", _dataDir);
            Assert.True(backup.Code == 0, backup.Stderr + backup.Stdout);
            Assert.Contains("inbox.db", backup.Stdout);
            Assert.Contains("secrets.key", backup.Stdout);
            await stop.CancelAsync();
            await Task.WhenAll(senders);
            server.Signal(9);
            await server.Process.WaitForExitAsync();
        }

        var restoredDir = Directory.CreateTempSubdirectory("nextra-restored-").FullName;
        _cleanup.Add(restoredDir);
        var restore = await NextraProcess.RunAsync("restore", archive, "--data-dir", restoredDir);
        Assert.True(restore.Code == 0, restore.Stderr + restore.Stdout);
        var again = await NextraProcess.RunAsync("restore", archive, "--data-dir", restoredDir);
        Assert.NotEqual(0, again.Code); // databases there now: --force needed
        using var restored = await ServerProcess.StartAsync(restoredDir, NextraProcess.FreePort());
        using var client = restored.Client(apiKey); // the API key is in the restored control plane
        output.WriteLine($"{beforeBackup.Length} acknowledged before the backup, {acknowledged.Count} in all");
        foreach (var id in beforeBackup)
        {
            var status = await WaitFinalAsync(client, id);
            Assert.True(status == "succeeded", $"run {id} ended {status}\n{restored.Log}");
        }
    }

    [Fact]
    public async Task OneAtATimeFlow_KilledFiveTimes_EveryRunSucceedsOnceNoneGivenUp()
    {
        // The slow server answers only as many requests as the test allows: each server life finishes exactly two
        // runs and dies with the third in flight and the rest queued behind it, however slowly the machine starts.
        using var slow = new SlowHttpServer(TimeSpan.FromMilliseconds(50), gated: true);
        var apiKey = await CreateUserAndKeyAsync(_dataDir);
        var port = NextraProcess.FreePort();
        (string, string)[] env = [("NEXTRA_EGRESS__ALLOW_LIST", "127.0.0.1")];
        var ids = new List<string>();
        var first = await ServerProcess.StartAsync(_dataDir, port, env);
        try
        {
            using var api = first.Client(apiKey);
            var (_, hook) = await RunFlows.DeployAsync(api, SlowFlow(slow.Port));
            for (var i = 0; i < 40; i++)
            {
                var accepted = await RunFlows.SendAsync(api, hook, """{"name":"ada"}""", HttpStatusCode.Accepted, query: "");
                ids.Add(accepted["runId"]!.GetValue<string>());
            }
            await slow.WaitForRequestAsync();
        }
        finally
        {
            await KillAsync(first);
        }
        var finishedBefore = new Dictionary<string, string>();
        for (var restart = 0; restart < 5; restart++)
        {
            var done = FinishedRuns().Count;
            var server = await ServerProcess.StartAsync(_dataDir, port, env);
            try
            {
                slow.Allow(2);
                for (var i = 0; i < 1500 && FinishedRuns().Count < Math.Min(done + 2, ids.Count); i++) await Task.Delay(20);
                // The next run is in flight (its request held) when the server dies.
                await slow.WaitForRequestAsync();
            }
            finally
            {
                var log = server.Log;
                await KillAsync(server);
                output.WriteLine($"life {restart + 1}: {FinishedRuns().Count - done} finished, requests {slow.Requests} (allowed {slow.Allowed}), " +
                    $"attempts {string.Join(",", PendingAttempts().Take(5))}\n{log[Math.Max(0, log.Length - 1500)..]}");
            }
            foreach (var (id, startedAt) in FinishedRuns()) finishedBefore.TryAdd(id, startedAt);
        }
        output.WriteLine($"{finishedBefore.Count} of 40 finished across 6 kill -9; attempts of the rest: {string.Join(",", PendingAttempts())}");
        Assert.InRange(finishedBefore.Count, 5, 20);
        // Only the runs that were executing when a server died have an attempt; the ones queued behind them have none.
        Assert.All(PendingAttempts(), a => Assert.InRange(a, 0, 1));
        slow.Open();
        using var last = await ServerProcess.StartAsync(_dataDir, port, env);
        using var client = last.Client(apiKey);
        foreach (var id in ids)
        {
            var status = await WaitFinalAsync(client, id);
            Assert.True(status == "succeeded", $"run {id} ended {status}\n{last.Log}");
        }
        var after = FinishedRuns();
        Assert.Equal(40, after.Count);
        foreach (var (id, startedAt) in finishedBefore)
            Assert.True(after[id] == startedAt, $"run {id}, finished before a crash, was run again");
    }

    private List<long> PendingAttempts()
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "inbox.db")};Pooling=false;Mode=ReadOnly");
        c.Open();
        using var command = c.CreateCommand();
        command.CommandText = "SELECT attempts FROM inbox ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<long>();
        while (reader.Read()) rows.Add(reader.GetInt64(0));
        return rows;
    }

    private static string SlowFlow(int port) => $$$"""
        organism: {name: one-at-a-time}
        max_concurrent_handlers: 1
        payloads:
          Greeting: {fields: {name: string}}
        triggers:
          - {name: hook, type: webhook, target: call, payload: Greeting}
        listeners:
          - name: call
            description: asks a slow server, one request at a time
            payload_class: Greeting
            handler: http
            peers: [done]
            config: {method: GET, url: "http://127.0.0.1:{{{port}}}/slow"}
          - {name: done, description: the answer, payload_class: HttpResponse, handler: output}
        """;

    private static async Task KillAsync(ServerProcess server)
    {
        if (!server.Process.HasExited) server.Signal(9);
        await server.Process.WaitForExitAsync();
        server.Dispose();
    }

    private Dictionary<string, string> FinishedRuns()
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "traces.db")};Pooling=false;Mode=ReadOnly");
        c.Open();
        using var command = c.CreateCommand();
        command.CommandText = "SELECT run_id, started_at FROM runs WHERE status NOT IN ('running')";
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<string, string>();
        while (reader.Read()) rows[reader.GetString(0)] = reader.GetString(1);
        return rows;
    }

    private static async Task SendAsync(string url, string hook, ConcurrentQueue<string> acknowledged, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var response = await http.PostAsync(hook, Json.Body("""{"name":"ada"}"""), ct);
                if (response.StatusCode != HttpStatusCode.Accepted) return;
                acknowledged.Enqueue((await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["runId"]!.GetValue<string>());
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or OperationCanceledException or IOException)
            {
                return;
            }
        }
    }

    private static async Task<string> WaitFinalAsync(HttpClient client, string runId)
    {
        for (var i = 0; i < 600; i++)
        {
            using var response = await client.GetAsync($"/api/runs/{runId}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"run {runId}: {(int)response.StatusCode}");
            var status = (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>();
            if (status is not ("pending" or "running")) return status;
            await Task.Delay(100);
        }
        return "still running after 60 s";
    }

    private static async Task<string> CreateUserAndKeyAsync(string dataDir)
    {
        var user = await NextraProcess.RunAsync("user", "create", "--email", "storage@example.test", "--password", "storage-test-pw", "--data-dir", dataDir);
        Assert.True(user.Code == 0, user.Stderr + user.Stdout);
        var key = await NextraProcess.RunAsync("apikey", "create", "--email", "storage@example.test", "--name", "ci", "--data-dir", dataDir);
        Assert.True(key.Code == 0, key.Stderr + key.Stdout);
        return key.Stdout.TrimEnd().Split('\n')[^1].Trim();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var dir in _cleanup.Append(_dataDir))
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
