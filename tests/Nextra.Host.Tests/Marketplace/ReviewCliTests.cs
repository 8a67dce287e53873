using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Host.Tests.Api;
using Nextra.Host.Tests.Process;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>
/// <c>[marketplace] review = "manual"</c>: a publication waits in the queue (not listed) until the operator decides with the real
/// executable's <c>nextra marketplace review list|approve|reject</c>, on the store the server uses (SQLite here, Postgres below).
/// </summary>
public class ReviewCliTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Flow = """
        organism: {name: queued}
        payloads:
          Text: {fields: {Text: string}}
        listeners:
          - name: a
            description: answers
            payload_class: Text
            handler: output
        """;

    /// <summary>The CLI on the server's data: same data dir (secrets key), same provider and database.</summary>
    private Task<(int Code, string Stdout, string Stderr)> CliAsync(params string[] args)
    {
        var config = factory.Services.GetRequiredService<IConfiguration>();
        var env = new Dictionary<string, string>();
        if (string.Equals(config["Storage:Provider"], "postgres", StringComparison.OrdinalIgnoreCase))
        {
            env["NEXTRA_STORAGE__PROVIDER"] = "postgres";
            env["NEXTRA_STORAGE__POSTGRES"] = config["Storage:Postgres"]!;
        }
        return NextraProcess.RunWithAsync(env, [.. args, "--data-dir", factory.DataDir]);
    }

    private async Task<string> PublishAsync(HttpClient client, string flowId, string name) =>
        (await Json.PostAsync(client, "/api/marketplace/publish", new
        {
            kind = "flow", flowId, name, version = "1.0.0", summary = "Waits for an operator", categories = new[] { "support" },
        }, 202))["submissionId"]!.GetValue<string>();

    [ProviderFact]
    public async Task ManualReview_QueuedUntilApprovedOrRejectedWithTheCli()
    {
        using var manual = factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, c) =>
            c.AddInMemoryCollection(new Dictionary<string, string?> { ["Marketplace:Review"] = "manual" })));
        var owner = await factory.CreateUserAsync("mkt-review-" + Guid.NewGuid().ToString("N")[..6]);
        var client = manual.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", owner.ApiKey);
        var handle = (await client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var flow = await Json.PostAsync(client, "/api/flows", Flows.Create("Queued", Flow), 201);
        var good = await PublishAsync(client, flow["id"]!.GetValue<string>(), "queued-good");
        var bad = await PublishAsync(client, flow["id"]!.GetValue<string>(), "queued-bad");

        var queued = await client.GetFromJsonAsync<JsonObject>($"/api/marketplace/submissions/{good}");
        Assert.Equal("queued", queued!["state"]!.GetValue<string>());
        Assert.Null(queued["listingId"]);
        var stranger = await factory.CreateUserAsync("mkt-review-other-" + Guid.NewGuid().ToString("N")[..6]);
        Assert.DoesNotContain((await stranger.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/flows?q=queued"))!["items"]!.AsArray(),
            i => i!["id"]!.GetValue<string>().StartsWith(handle + "/", StringComparison.Ordinal));

        var list = await CliAsync("marketplace", "review", "list");
        Assert.True(list.Code == 0, list.Stderr + list.Stdout);
        Assert.Matches($@"(?m)^{good}\s+{handle}/queued-good@1\.0\.0\s+flow\s+queued\s+", list.Stdout);
        Assert.Contains(bad, list.Stdout);

        var approve = await CliAsync("marketplace", "review", "approve", good, "--reason", "looks fine");
        Assert.True(approve.Code == 0, approve.Stderr + approve.Stdout);
        Assert.Contains($"approved {good}: {handle}/queued-good@1.0.0 is published", approve.Stdout);
        var noReason = await CliAsync("marketplace", "review", "reject", bad);
        Assert.NotEqual(0, noReason.Code);
        var reject = await CliAsync("marketplace", "review", "reject", bad, "--reason", "the summary is not what it does");
        Assert.True(reject.Code == 0, reject.Stderr + reject.Stdout);
        var again = await CliAsync("marketplace", "review", "approve", bad);
        Assert.Equal(1, again.Code);
        Assert.Contains("is rejected, not queued", again.Stderr);
        var missing = await CliAsync("marketplace", "review", "approve", "sub_nope");
        Assert.Equal(1, missing.Code);
        Assert.Contains("Submission 'sub_nope' was not found", missing.Stderr);

        var published = await client.GetFromJsonAsync<JsonObject>($"/api/marketplace/submissions/{good}");
        Assert.Equal("published", published!["state"]!.GetValue<string>());
        Assert.Equal($"{handle}/queued-good", published["listingId"]!.GetValue<string>());
        Assert.Contains(published["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "review" && c["detail"]!.GetValue<string>().Contains("looks fine", StringComparison.Ordinal));
        var rejected = await client.GetFromJsonAsync<JsonObject>($"/api/marketplace/submissions/{bad}");
        Assert.Equal("rejected", rejected!["state"]!.GetValue<string>());
        Assert.Contains(rejected["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "review" && !c["ok"]!.GetValue<bool>()
            && c["detail"]!.GetValue<string>().Contains("the summary is not what it does", StringComparison.Ordinal));

        // Approved: listed for others and countersigned by the same registry key the server uses; rejected: never listed.
        var found = (await stranger.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/flows?q=queued"))!["items"]!.AsArray();
        Assert.Contains(found, i => i!["id"]!.GetValue<string>() == $"{handle}/queued-good");
        Assert.DoesNotContain(found, i => i!["id"]!.GetValue<string>() == $"{handle}/queued-bad");
        var detail = await stranger.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/flows/{handle}/queued-good");
        Assert.True(detail!["signatureValid"]!.GetValue<bool>());
        Assert.DoesNotContain(handle + "/", (await CliAsync("marketplace", "review", "list")).Stdout, StringComparison.Ordinal);
    }

    [ProviderFact]
    public async Task RevokeKeysReportsCli_OnTheServersStore()
    {
        var owner = await factory.CreateUserAsync("mkt-revoke-" + Guid.NewGuid().ToString("N")[..6]);
        var handle = (await owner.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var flow = await Json.PostAsync(owner.Client, "/api/flows", Flows.Create("To revoke", Flow), 201);
        await PublishAsync(owner.Client, flow["id"]!.GetValue<string>(), "to-revoke");
        var user = await factory.CreateUserAsync("mkt-revoke-user-" + Guid.NewGuid().ToString("N")[..6]);
        await Json.PostAsync(user.Client, $"/api/marketplace/flows/{handle}/to-revoke/use", new { inputs = new { } }, 201);
        await Json.PostAsync(user.Client, $"/api/marketplace/flows/{handle}/to-revoke/reports", new { reason = "spam", text = "cli-visible" }, 200);

        var keys = await CliAsync("marketplace", "keys");
        Assert.True(keys.Code == 0, keys.Stderr + keys.Stdout);
        var published = (await factory.CreateClient().GetFromJsonAsync<JsonObject>("/api/marketplace/keys.json"))!["keys"]![0]!["publicKey"]!.GetValue<string>();
        Assert.Contains($"trusted_keys = [\"{published}\"]", keys.Stdout);

        var bad = await CliAsync("marketplace", "revoke", "not-a-target", "--reason", "x");
        Assert.Equal(1, bad.Code);
        Assert.Contains("is not a revocation target", bad.Stderr);
        var revoke = await CliAsync("marketplace", "revoke", $"{handle}/to-revoke@*", "--reason", "spam campaign");
        Assert.True(revoke.Code == 0, revoke.Stderr + revoke.Stdout);
        Assert.Contains($"revoked {handle}/to-revoke@*", revoke.Stdout);
        Assert.Contains("already revoked", (await CliAsync("marketplace", "revoke", $"{handle}/to-revoke@*", "--reason", "again")).Stdout);
        Assert.Matches($@"(?m)^version\s+{handle}/to-revoke@\*\s+\S+\s+spam campaign$", (await CliAsync("marketplace", "revocations")).Stdout);

        // The running server reads the same list: the template is refused from now on.
        var refused = await Json.PostAsync(user.Client, $"/api/marketplace/flows/{handle}/to-revoke/use", new { inputs = new { } }, 422);
        Assert.Equal("tool_revoked", refused["code"]!.GetValue<string>());
        var reports = await CliAsync("marketplace", "reports");
        Assert.True(reports.Code == 0, reports.Stderr + reports.Stdout);
        Assert.Contains($"{handle}/to-revoke  spam  tenant={user.TenantId}  cli-visible", reports.Stdout);
    }
}

/// <summary>The same queue with every store on Postgres: the CLI reads and decides in the server's database.</summary>
public sealed class PostgresReviewCliTests(PostgresNextraFactory factory) : ReviewCliTests(factory), IClassFixture<PostgresNextraFactory>;
