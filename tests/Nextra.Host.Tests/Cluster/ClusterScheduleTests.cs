using System.Globalization;
using System.Text.RegularExpressions;
using Nextra.Host.Tests.Runs;
using Npgsql;
using Xunit.Abstractions;

namespace Nextra.Host.Tests.Cluster;

/// <summary>
/// Hosted mode, real processes on one Postgres and one Redis: a schedule fires once per slot while several instances
/// run, and across a kill -9 of the flow's owner; the first-user setup link printed by one instance works on another.
/// </summary>
public sealed partial class ClusterScheduleTests(ITestOutputHelper output)
{
    private const int EverySeconds = 2;

    /// <summary>A schedule every two seconds, with <c>skip</c>: a slot on time must never be dropped.</summary>
    private static readonly string Ticker = TestFlows.Scheduled("skip", $"*/{EverySeconds} * * * * *");

    [ClusterFact]
    public async Task Schedule_ThreeInstancesAndTheOwnerKilled_EverySlotFiresExactlyOnce()
    {
        await using var cluster = await HostedCluster.StartAsync(3);
        var key = await cluster.CreateUserAndKeyAsync("ticks");
        string flowId;
        using (var api = cluster[0].Client(key)) (flowId, _) = await RunFlows.DeployAsync(api, Ticker);
        var owner = await cluster.WaitForOwnerAsync(flowId);

        // A few slots with three instances running, then kill -9 of the owner between two slots.
        await WaitForSlotsAsync(cluster, flowId, s => s.Count >= 4, "4 slots before the kill");
        await cluster.KillAsync(owner);
        var killedAt = DateTimeOffset.UtcNow;
        var next = await cluster.WaitForOwnerAsync(flowId, i => i != owner);
        output.WriteLine($"flow {flowId}: owner {owner} killed at {killedAt:HH:mm:ss.fff}; instance {next} took over");
        var slots = await WaitForSlotsAsync(cluster, flowId, s => s[^1].Slot >= killedAt.AddSeconds(10), "slots 10 s past the kill");

        // Settle: every slot up to a cut has a final run (a run cut by the kill re-runs from its inbox row).
        var cut = slots[^1].Slot.AddSeconds(-2 * EverySeconds);
        var settled = slots.Where(s => s.Slot <= cut).ToList();
        var runs = new Dictionary<string, string>();
        for (var i = 0; i < 600; i++)
        {
            runs = await RunStatusesAsync(cluster, flowId);
            if (settled.All(s => runs.TryGetValue(s.RunId, out var status) && status is not ("pending" or "running"))) break;
            await Task.Delay(100);
        }
        output.WriteLine($"{settled.Count} slots from {settled[0].Slot:HH:mm:ss} to {settled[^1].Slot:HH:mm:ss}, {runs.Count} runs recorded");

        // Not lost: the slots are consecutive, across the kill.
        Assert.True(settled[0].Slot < killedAt && settled[^1].Slot > killedAt.AddSeconds(4), $"the slots do not span the kill\n{Describe(settled)}");
        var gaps = settled.Zip(settled.Skip(1)).Where(p => p.Second.Slot - p.First.Slot != TimeSpan.FromSeconds(EverySeconds)).ToList();
        Assert.True(gaps.Count == 0, $"slots lost: {string.Join(", ", gaps.Select(g => $"{g.First.Slot:HH:mm:ss} -> {g.Second.Slot:HH:mm:ss}"))}\n{Describe(settled)}\n{cluster.Logs()}");
        // Not doubled, and run to completion: one run per slot, each succeeded; no run of the flow that is not a slot's.
        Assert.Equal(settled.Count, settled.Select(s => s.RunId).Distinct().Count());
        Assert.All(settled, s => Assert.Equal("succeeded", runs.GetValueOrDefault(s.RunId, "missing")));
        var slotRuns = slots.Select(s => s.RunId).ToHashSet();
        Assert.DoesNotContain(runs.Keys, id => !slotRuns.Contains(id));
        var unique = await cluster.ScalarAsync("SELECT COUNT(DISTINCT slot) FROM schedule_slots WHERE flow_id = @f", ("f", flowId));
        Assert.Equal(await cluster.ScalarAsync("SELECT COUNT(*) FROM schedule_slots WHERE flow_id = @f", ("f", flowId)), unique);
    }

    [ClusterFact]
    public async Task SetupLink_PrintedByOneInstance_WorksOnAnother()
    {
        await using var cluster = await HostedCluster.StartAsync(2);
        var link = SetupLink(await WaitForLogAsync(cluster, 0, "/setup?token="));
        var token = link.Token;
        using var other = cluster[1].Client();

        var wrong = await Json.PostAsync(other, "/api/setup", new { token = "nope", email = "owner@example.test", password = TestUser.Password }, 403);
        Assert.Equal("invalid_setup_token", wrong["code"]!.GetValue<string>());
        var created = await Json.PostAsync(other, "/api/setup", new { token, email = "owner@example.test", password = TestUser.Password, tenantName = "Acme" }, 201);
        Assert.Equal(("owner@example.test", "owner"), (created["email"]!.GetValue<string>(), created["role"]!.GetValue<string>()));

        // Once: the same link again, on either instance, finds the setup done.
        using var first = cluster[0].Client();
        var again = await Json.PostAsync(first, "/api/setup", new { token, email = "second@example.test", password = TestUser.Password }, 409);
        Assert.Equal("setup_done", again["code"]!.GetValue<string>());
        Assert.Equal(1, await cluster.ScalarAsync("SELECT COUNT(*) FROM users"));
    }

    private sealed record SlotRow(DateTimeOffset Slot, string RunId);

    private static async Task<List<SlotRow>> SlotsAsync(HostedCluster cluster, string flowId)
    {
        await using var c = new NpgsqlConnection(cluster.ConnectionString);
        await c.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT slot, inbox_id FROM schedule_slots WHERE flow_id = @f ORDER BY slot", c);
        query.Parameters.AddWithValue("f", flowId);
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new List<SlotRow>();
        while (await reader.ReadAsync())
            rows.Add(new SlotRow(DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), reader.GetString(1)));
        return rows;
    }

    private static async Task<List<SlotRow>> WaitForSlotsAsync(HostedCluster cluster, string flowId, Func<List<SlotRow>, bool> done, string what)
    {
        var slots = new List<SlotRow>();
        for (var i = 0; i < 900; i++)
        {
            slots = await SlotsAsync(cluster, flowId);
            if (slots.Count > 0 && done(slots)) return slots;
            await Task.Delay(100);
        }
        throw new TimeoutException($"waited 90 s for {what}; {slots.Count} slots\n{cluster.Logs()}");
    }

    /// <summary>run_id → status of every recorded run of the flow.</summary>
    private static async Task<Dictionary<string, string>> RunStatusesAsync(HostedCluster cluster, string flowId)
    {
        await using var c = new NpgsqlConnection(cluster.ConnectionString);
        await c.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT run_id, status FROM runs WHERE flow_id = @f", c);
        query.Parameters.AddWithValue("f", flowId);
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new Dictionary<string, string>();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = reader.GetString(1);
        return rows;
    }

    private static string Describe(List<SlotRow> slots) => string.Join(" ", slots.Select(s => s.Slot.ToString("HH:mm:ss", CultureInfo.InvariantCulture)));

    private static async Task<string> WaitForLogAsync(HostedCluster cluster, int instance, string text)
    {
        for (var i = 0; i < 300; i++)
        {
            var log = cluster[instance].Log;
            if (log.Contains(text, StringComparison.Ordinal)) return log;
            await Task.Delay(100);
        }
        throw new TimeoutException($"instance {instance} never printed {text}\n{cluster.Logs()}");
    }

    private static (string Url, string Token) SetupLink(string log)
    {
        var match = SetupLinkPattern().Match(log);
        Assert.True(match.Success, "no setup link in:\n" + log);
        return (match.Value, match.Groups["token"].Value);
    }

    [GeneratedRegex(@"http://\S+/setup\?token=(?<token>[A-Za-z0-9_\-]+)")]
    private static partial Regex SetupLinkPattern();
}
