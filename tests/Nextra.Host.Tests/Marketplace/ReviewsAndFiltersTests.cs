using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Nextra.Host.Tests.Api;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>
/// R7's extras on the real host: the search filters review=, network=none and installed=; the publisher's one reply to a
/// review (its tenant only); at most 10 reviews per tenant per day (review_rate_limited). On SQLite and Postgres.
/// </summary>
public class ReviewsAndFiltersTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Flow = """
        organism: {name: reviews}
        payloads:
          Text: {fields: {Text: string}}
        listeners:
          - {name: a, description: answers, payload_class: Text, handler: output}
        """;

    private const string Echo = """
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))
        """;

    private static string Suffix() => Guid.NewGuid().ToString("N")[..6];

    private static async Task<string[]> IdsAsync(TestUser user, string url) =>
        [.. (await user.Client.GetFromJsonAsync<JsonObject>(url))!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];

    [ProviderFact]
    public async Task Search_FiltersByReviewLevelNetworkAndInstalled()
    {
        var publisher = await factory.CreateUserAsync("filters-pub-" + Suffix());
        var handle = (await publisher.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var module = (await Json.PostAsync(publisher.Client, "/api/modules", new { name = "filter_echo", kind = "wat", content = Echo }, 201))["id"]!.GetValue<string>();
        var word = "zq" + Suffix();
        foreach (var (name, hosts) in new[] { ("offline", Array.Empty<string>()), ("online", new[] { "https://api.example.com" }) })
        {
            await Json.PostAsync(publisher.Client, "/api/marketplace/publish", new
            {
                kind = "tool", moduleId = module, name = $"{word}-{name}", version = "1.0.0", summary = $"Filter {word} {name}", categories = new[] { "utility" },
                permissions = new { log = false, http = new { hosts, methods = new[] { "GET" } } },
            }, 202);
        }
        var user = await factory.CreateUserAsync("filters-user-" + Suffix());
        Assert.Equal([$"{handle}/{word}-offline", $"{handle}/{word}-online"], (await IdsAsync(user, $"/api/marketplace/tools?q={word}")).Order());
        Assert.Equal([$"{handle}/{word}-offline"], await IdsAsync(user, $"/api/marketplace/tools?q={word}&network=none"));
        Assert.Empty(await IdsAsync(user, $"/api/marketplace/tools?q={word}&review=official"));
        Assert.Equal(2, (await IdsAsync(user, $"/api/marketplace/tools?q={word}&review=community")).Length);
        var official = await IdsAsync(user, "/api/marketplace/tools?review=official");
        Assert.NotEmpty(official);
        Assert.All(official, i => Assert.StartsWith("nextra/", i, StringComparison.Ordinal));
        Assert.Empty(await IdsAsync(user, $"/api/marketplace/tools?q={word}&installed=true"));
        await Json.PostAsync(user.Client, "/api/marketplace/installs", new { id = $"{handle}/{word}-online", acceptPermissions = true }, 201);
        Assert.Equal([$"{handle}/{word}-online"], await IdsAsync(user, $"/api/marketplace/tools?q={word}&installed=true"));
        Assert.Equal([$"{handle}/{word}-offline"], await IdsAsync(user, $"/api/marketplace/tools?q={word}&installed=false"));

        foreach (var bad in new[] { "/api/marketplace/tools?review=gold", "/api/marketplace/flows?network=none", "/api/marketplace/tools?network=some" })
        {
            var response = await user.Client.GetAsync(bad);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("validation_failed", (await Json.ReadAsync(response))["code"]!.GetValue<string>());
        }
    }

    [ProviderFact]
    public async Task Reviews_PublisherRepliesOnce_TenInADayThenRateLimited()
    {
        // Votes count at once (a publisher replies to reviews others see, not to held ones).
        using var counted = factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, c) =>
            c.AddInMemoryCollection(new Dictionary<string, string?> { ["Marketplace:MinVoterAgeDays"] = "0" })));
        TestUser On(TestUser u)
        {
            var client = counted.CreateClient();
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", u.ApiKey);
            return u with { Client = client };
        }
        var author = On(await factory.CreateUserAsync("reply-pub-" + Suffix()));
        var flow = await Json.PostAsync(author.Client, "/api/flows", Flows.Create("Reviews", Flow), 201);
        var voter = On(await factory.CreateUserAsync("reply-voter-" + Suffix()));
        var ids = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            var name = $"reviewed-{Suffix()}";
            await Json.PostAsync(author.Client, "/api/marketplace/publish", new
            {
                kind = "flow", flowId = flow["id"]!.GetValue<string>(), name, version = "1.0.0", summary = "Answers", categories = new[] { "support" },
            }, 202);
            var handle = (await author.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
            ids.Add($"{handle}/{name}");
            await Json.PostAsync(voter.Client, $"/api/marketplace/flows/{handle}/{name}/use", new { name = "Used " + i }, 201);
        }

        var vote = await Json.PostAsync(voter.Client, $"/api/marketplace/flows/{ids[0]}/votes", new { up = false, text = "misses a step" }, 200);
        var reviewId = vote["reviewId"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Forbidden, (await voter.Client.PostAsJsonAsync($"/api/marketplace/flows/{ids[0]}/reviews/{reviewId}/reply", new { text = "me too" })).StatusCode);
        var reply = await Json.PostAsync(author.Client, $"/api/marketplace/flows/{ids[0]}/reviews/{reviewId}/reply", new { text = "Fixed in 1.0.1" }, 200);
        Assert.Equal("Fixed in 1.0.1", reply["reply"]!.GetValue<string>());
        Assert.Equal("conflict", (await Json.PostAsync(author.Client, $"/api/marketplace/flows/{ids[0]}/reviews/{reviewId}/reply", new { text = "again" }, 409))["code"]!.GetValue<string>());
        await Json.PostAsync(author.Client, $"/api/marketplace/flows/{ids[1]}/reviews/{reviewId}/reply", new { text = "x" }, 404); // a review of another listing
        var review = (await voter.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/flows/{ids[0]}"))!["reviews"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == reviewId)!;
        Assert.Equal("Fixed in 1.0.1", review["reply"]!.GetValue<string>());
        Assert.NotNull(review["repliedAt"]);

        for (var i = 1; i < 10; i++)
            await Json.PostAsync(voter.Client, $"/api/marketplace/flows/{ids[i]}/votes", new { up = true, text = $"review {i}" }, 200);
        var limited = await Json.PostAsync(voter.Client, $"/api/marketplace/flows/{ids[10]}/votes", new { up = true, text = "one too many" }, 429);
        Assert.Equal("review_rate_limited", limited["code"]!.GetValue<string>());
        Assert.NotNull(limited["retryAt"]);
        await Json.PostAsync(voter.Client, $"/api/marketplace/flows/{ids[10]}/votes", new { up = true }, 200); // a vote without text is not limited
    }
}

public sealed class PostgresReviewsAndFiltersTests(PostgresNextraFactory factory) : ReviewsAndFiltersTests(factory), IClassFixture<PostgresNextraFactory>;
