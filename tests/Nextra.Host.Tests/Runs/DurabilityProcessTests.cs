using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nextra.Host.Tests.Process;
using Xunit.Abstractions;

namespace Nextra.Host.Tests.Runs;

/// <summary>
/// The real executable under a stream of webhooks: kill -9 mid-stream (and, separately, SIGTERM),
/// restart, and every acknowledged run id reaches a final state; none is lost, none completes twice.
/// </summary>
public sealed class DurabilityProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("nextra-durable-").FullName;

    [Theory]
    [InlineData(9)]
    [InlineData(15)]
    public async Task WebhookStream_ServerKilled_EveryAcknowledgedRunFinishesOnce(int signal)
    {
        var apiKey = await CreateUserAndKeyAsync();
        var port = NextraProcess.FreePort();
        string hook;
        var acknowledged = new ConcurrentBag<string>();
        using (var first = await ServerProcess.StartAsync(_dataDir, port))
        {
            using var api = first.Client(apiKey);
            (_, hook) = await RunFlows.DeployAsync(api);
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 16).Select(_ => Task.Run(() => SendUntilFailureAsync(first.Url, hook, acknowledged, stop.Token))).ToArray();
            while (acknowledged.Count < 300) await Task.Delay(10);
            first.Signal(signal);
            await Task.WhenAll(senders);
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await first.Process.WaitForExitAsync(exit.Token);
            if (signal == 15) Assert.True(first.Process.ExitCode == 0, $"exit {first.Process.ExitCode}\n{first.Log}");
        }

        // What had finished before the crash (SQLite recovers the WAL on open), to prove it is not run again.
        var finishedBefore = ReadTraces();
        var pendingAtCrash = CountInbox();
        output.WriteLine($"signal {signal}: {acknowledged.Count} acknowledged, {finishedBefore.Count} finished, {pendingAtCrash} pending in the inbox");
        using var second = await ServerProcess.StartAsync(_dataDir, port);
        using var client = second.Client(apiKey);
        var ids = acknowledged.ToHashSet();
        Assert.True(ids.Count >= 300, $"only {ids.Count} acknowledged");
        foreach (var id in ids)
        {
            var status = await WaitFinalAsync(client, id);
            Assert.True(status == "succeeded", $"run {id} ended {status}\n{second.Log}");
        }
        var finishedAfter = ReadTraces();
        foreach (var (id, startedAt) in finishedBefore)
            Assert.True(finishedAfter[id] == startedAt, $"run {id} completed before the crash was run again");
        Assert.Equal(0L, CountInbox());
    }

    private static async Task SendUntilFailureAsync(string url, string hook, ConcurrentBag<string> acknowledged, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var response = await http.PostAsync(hook, Json.Body("""{"name":"ada"}"""), ct);
                if (response.StatusCode != HttpStatusCode.Accepted) return; // shutting down (503) or gone
                var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
                acknowledged.Add(body!["runId"]!.GetValue<string>());
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Text.Json.JsonException)
            {
                return; // the server died mid-request: that one was never acknowledged
            }
        }
    }

    private static async Task<string> WaitFinalAsync(HttpClient client, string runId)
    {
        for (var i = 0; i < 300; i++)
        {
            using var response = await client.GetAsync($"/api/runs/{runId}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"run {runId}: {(int)response.StatusCode}");
            var status = (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>();
            if (status is not ("pending" or "running")) return status;
            await Task.Delay(100);
        }
        return "still running after 30 s";
    }

    private async Task<string> CreateUserAndKeyAsync()
    {
        var user = await NextraProcess.RunAsync("user", "create", "--email", "durable@example.test", "--password", "durable-test-pw", "--data-dir", _dataDir);
        Assert.True(user.Code == 0, user.Stderr + user.Stdout);
        var key = await NextraProcess.RunAsync("apikey", "create", "--email", "durable@example.test", "--name", "ci", "--data-dir", _dataDir);
        Assert.True(key.Code == 0, key.Stderr + key.Stdout);
        return key.Stdout.TrimEnd().Split('\n')[^1].Trim();
    }

    private Dictionary<string, string> ReadTraces()
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "traces.db")};Pooling=false");
        c.Open();
        using var command = c.CreateCommand();
        command.CommandText = "SELECT run_id, started_at FROM runs";
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<string, string>();
        while (reader.Read()) rows[reader.GetString(0)] = reader.GetString(1);
        return rows;
    }

    private long CountInbox()
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "inbox.db")};Pooling=false");
        c.Open();
        using var command = c.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM inbox";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
