using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nextra.Host.Tests.Runs;
using Xunit.Abstractions;

namespace Nextra.Host.Tests.Cluster;

/// <summary>
/// Hosted mode under failure with real processes on one Postgres and one Redis: the owner of a flow killed with -9
/// twice under a stream of webhooks sent to every instance, and an owner paused past its lease (fencing).
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    private const int Webhooks = 10_000;

    [ClusterFact]
    public async Task OwnerKilledTwiceUnderLoad_EveryAcknowledgedRunSucceedsOnce()
    {
        await using var cluster = await HostedCluster.StartAsync(3);
        var key = await cluster.CreateUserAndKeyAsync("load");
        string flowId, hook;
        using (var api = cluster[0].Client(key)) (flowId, hook) = await RunFlows.DeployAsync(api);

        var acknowledged = new ConcurrentDictionary<string, byte>();
        var refused = 0;
        var cut = 0;
        var statuses = new ConcurrentDictionary<int, int>();
        var sent = 0;
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        // 12 senders, 4 per instance; a sender whose instance is down tries the next one (as a load balancer would).
        var senders = Enumerable.Range(0, 12).Select(s => Task.Run(async () =>
        {
            var target = s % cluster.Count;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            while (Interlocked.Increment(ref sent) <= Webhooks)
            {
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        using var response = await http.PostAsync(cluster.Url(target) + hook, Json.Body("""{"name":"ada"}"""));
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
                            acknowledged.TryAdd(body!["runId"]!.GetValue<string>(), 0);
                            break;
                        }
                        Interlocked.Increment(ref refused);
                        statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Text.Json.JsonException)
                    {
                        // The instance died mid-request: never acknowledged (it may have been recorded just before).
                        Interlocked.Increment(ref cut);
                    }
                    target = (target + 1) % cluster.Count;
                    if (attempt > 50) await Task.Delay(100);
                }
            }
        })).ToArray();

        // Two kills mid-load: at a fifth and at a half of the stream; each killed owner restarts while the load goes on.
        var kills = new List<string>();
        var restarts = new List<Task>();
        foreach (var fraction in new[] { 5, 2 })
        {
            while (acknowledged.Count < Webhooks / fraction && !senders.All(t => t.IsCompleted)) await Task.Delay(10);
            var owner = await cluster.WaitForOwnerAsync(flowId);
            var at = acknowledged.Count;
            await cluster.KillAsync(owner);
            var killedAt = clock.Elapsed;
            var next = await cluster.WaitForOwnerAsync(flowId, i => i != owner, seconds: 30);
            kills.Add($"kill -9 of instance {owner} at {at} acknowledged; instance {next} took the partition after {(clock.Elapsed - killedAt).TotalSeconds:F1} s");
            restarts.Add(cluster.StartInstanceAsync(owner));
        }
        await Task.WhenAll(restarts);
        await Task.WhenAll(senders);
        var sending = clock.Elapsed;

        // Every acknowledged run ends succeeded, exactly once; nothing is left in the inbox.
        // Drained: wait while the inbox shrinks (a loaded machine drains slowly); stuck for a minute is a failure.
        var left = await cluster.ScalarAsync("SELECT COUNT(*) FROM inbox");
        var progress = Stopwatch.StartNew();
        while (left > 0 && progress.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200);
            var now = await cluster.ScalarAsync("SELECT COUNT(*) FROM inbox");
            if (now < left) progress.Restart();
            left = now;
        }
        var finished = await cluster.FinishedRunsAsync(flowId);
        var pending = await cluster.ScalarAsync("SELECT COUNT(*) FROM inbox");
        var succeeded = await cluster.ScalarAsync("SELECT COUNT(*) FROM runs WHERE flow_id = @f AND status = 'succeeded'", ("f", flowId));
        foreach (var line in kills) output.WriteLine(line);
        output.WriteLine("refused with: " + string.Join(", ", statuses.Select(p => $"{p.Key} × {p.Value}")));
        output.WriteLine($"{Webhooks} webhooks in {sending.TotalSeconds:F1} s across 3 instances: {acknowledged.Count} acknowledged, {refused} refused and {cut} cut " +
            $"by a kill (retried elsewhere), {finished.Count} recorded, {succeeded} succeeded, {pending} left in the inbox");
        Assert.Equal(Webhooks, acknowledged.Count);
        // A live instance never refuses a webhook while partitions change hands (it acknowledges into the inbox).
        Assert.True(refused == 0, "refused during failover: " + string.Join(", ", statuses.Select(p => $"{p.Key} × {p.Value}")));
        Assert.Equal(0, pending);
        var missing = acknowledged.Keys.Where(id => !finished.ContainsKey(id)).Take(5).ToList();
        Assert.True(missing.Count == 0, $"acknowledged but not recorded: {string.Join(", ", missing)}\n{cluster.Logs()}");
        // Recorded = acknowledged, except requests cut by a kill between their commit and their answer (the client saw
        // no answer and sent again): at most one extra run per cut request, and every recorded run succeeded.
        Assert.InRange(finished.Count - acknowledged.Count, 0, cut);
        Assert.True(finished.Count == succeeded, $"{finished.Count - succeeded} recorded runs did not succeed: " +
            await cluster.TextAsync("SELECT string_agg(run_id || ' ' || status || ' ' || coalesce(error_code, '') || ' ' || coalesce(error_message, ''), '; ') " +
                "FROM runs WHERE flow_id = @f AND status <> 'succeeded'", ("f", flowId)) + "\n" + cluster.Logs());
        // No duplicate: one step per listener per run (route, done), never a second execution's steps beside the first.
        Assert.Equal(0, await cluster.ScalarAsync(
            "SELECT COUNT(*) FROM (SELECT run_id FROM steps WHERE run_id IN (SELECT run_id FROM runs WHERE flow_id = @f) GROUP BY run_id HAVING COUNT(*) <> 2) d",
            ("f", flowId)));
    }

    [ClusterFact]
    public async Task OwnerPausedPastItsLease_WritesNothingAfterwards()
    {
        using var slow = new SlowHttpServer(TimeSpan.FromSeconds(2));
        await using var cluster = await HostedCluster.StartAsync(2, new Dictionary<string, string> { ["NEXTRA_EGRESS__ALLOW_LIST"] = "127.0.0.1" });
        var key = await cluster.CreateUserAndKeyAsync("fence");
        string flowId, hook;
        using (var api = cluster[0].Client(key)) (flowId, hook) = await RunFlows.DeployAsync(api, ClusterProcessTests.SlowFlow(slow.Port));
        var owner = await cluster.WaitForOwnerAsync(flowId);
        var other = 1 - owner;
        using var client = cluster[other].Client(key);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
            ids.Add((await RunFlows.SendAsync(client, hook, """{"name":"ada"}""", HttpStatusCode.Accepted, ""))["runId"]!.GetValue<string>());
        for (var i = 0; i < 100 && slow.Requests < 10; i++) await Task.Delay(100);
        Assert.True(slow.Requests >= 1, "no run reached the slow step before the pause\n" + cluster.Logs());
        var inFlight = slow.Requests;

        // SIGSTOP the owner with its runs mid-flight (each waits 2 s on the slow server) for three lease lengths.
        cluster[owner].Signal(19);
        var next = await cluster.WaitForOwnerAsync(flowId, i => i == other, seconds: 4 * HostedCluster.LeaseSeconds);
        Assert.Equal(other, next);
        foreach (var id in ids) Assert.Equal("succeeded", await cluster.WaitFinalAsync(client, id));
        var finished = await cluster.FinishedRunsAsync(flowId);
        cluster[owner].Signal(18); // SIGCONT: its runs' slow calls return and it tries to record them

        // Its late trace writes are refused (and counted); the runs keep the new owner's record.
        double fenced = 0;
        for (var t = 0; t < 100 && fenced < 1; t++)
        {
            await Task.Delay(100);
            fenced = await cluster.MetricAsync(owner, "nextra_fenced_writes_total");
        }
        await Task.Delay(3000); // let any other late write land, if it could
        fenced = await cluster.MetricAsync(owner, "nextra_fenced_writes_total");
        output.WriteLine($"{inFlight} runs in flight on instance {owner} when paused; after SIGCONT {fenced} of its writes were refused");
        Assert.True(fenced >= 1, "the paused instance recorded no fenced write\n" + cluster.Logs());
        var after = await cluster.FinishedRunsAsync(flowId);
        Assert.Equal(finished, after);
        Assert.Equal(ids.Count, after.Count);
        foreach (var id in ids) Assert.Equal("succeeded", await cluster.WaitFinalAsync(client, id));
        Assert.Equal(0, await cluster.ScalarAsync("SELECT COUNT(*) FROM inbox"));
    }
}
