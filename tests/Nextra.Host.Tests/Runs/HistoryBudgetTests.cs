using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Runs;

/// <summary>A server whose run history may take half a megabyte, checked five times a second.</summary>
public sealed class HistoryBudgetFactory : NextraFactory
{
    public const double BudgetMb = 0.5;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Runs:MaxDiskMb", BudgetMb.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Runs:RetentionIntervalSeconds", "0.2"),
    ];
}

/// <summary>
/// <c>[runs] max_disk_mb</c> over HTTP (issue 19, defect 7): past the budget the oldest runs of the server, whatever
/// their flow or tenant, are deleted and traces.db shrinks back under it; the newest runs stay readable.
/// </summary>
public sealed class HistoryBudgetTests(HistoryBudgetFactory factory) : IClassFixture<HistoryBudgetFactory>
{
    private const string Tickets = """
        organism: {name: tickets}
        payloads:
          Ticket: {fields: {Subject: string, Body: string}}
        triggers:
          - {name: hook, type: webhook, target: done, payload: Ticket}
        listeners:
          - {name: done, description: records the ticket, payload_class: Ticket, handler: output}
        """;

    [Fact]
    public async Task Webhooks_PastTheDiskBudget_OldestRunsOfAnyFlowDeletedAndFileBackUnder()
    {
        var a = await factory.CreateUserAsync("budget-a-" + Guid.NewGuid().ToString("N"));
        var b = await factory.CreateUserAsync("budget-b-" + Guid.NewGuid().ToString("N"));
        var (_, hookA) = await RunFlows.DeployAsync(a.Client, Tickets);
        var (_, hookB) = await RunFlows.DeployAsync(b.Client, Tickets);
        var runs = new List<(TestUser Owner, string RunId)>();
        // 80 runs of ~30 KB each (the body once, its JSON once) in two tenants: about ten times the budget.
        for (var i = 0; i < 80; i++)
        {
            var owner = i % 2 == 0 ? a : b;
            var xml = $"<Ticket><Subject>ticket {i}</Subject><Body>{new string((char)('a' + i % 26), 15_000)}</Body></Ticket>";
            var response = await owner.Client.PostAsync((i % 2 == 0 ? hookA : hookB) + "?wait=30", new StringContent(xml, Encoding.UTF8, "application/xml"));
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"run {i}: {(int)response.StatusCode} {answer}");
            Assert.Equal("succeeded", (string?)answer["status"]);
            runs.Add((owner, (string)answer["runId"]!));
        }
        var budget = (long)(HistoryBudgetFactory.BudgetMb * 1024 * 1024);
        var traces = Path.Combine(factory.DataDir, "traces.db");
        long Size() => new FileInfo(traces).Length + (File.Exists(traces + "-wal") ? new FileInfo(traces + "-wal").Length : 0);
        var size = Size();
        for (var i = 0; i < 300 && (size = Size()) > budget; i++) await Task.Delay(100);
        Assert.True(size <= budget, $"traces.db and its WAL take {size} bytes, budget {budget}");
        // The oldest runs are gone, the newest of both tenants are still there.
        Assert.Equal(HttpStatusCode.NotFound, (await runs[0].Owner.Client.GetAsync($"/api/runs/{runs[0].RunId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await runs[1].Owner.Client.GetAsync($"/api/runs/{runs[1].RunId}")).StatusCode);
        foreach (var (owner, runId) in runs.TakeLast(4))
        {
            var run = await owner.Client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}");
            Assert.Equal("succeeded", (string?)run!["status"]);
        }
    }
}
