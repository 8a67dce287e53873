using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Host.Tests.Api;
using Nextra.Modules.Marketplace;

namespace Nextra.Host.Tests.Marketplace;

/// <summary>
/// R5/R7 abuse handling: a vote from a tenant younger than <c>[marketplace] min_voter_age_days</c> (7) is held (not in votesUp /
/// votesDown, its review seen only by its author) until the tenant is old enough; a review reported by 3 distinct tenants is
/// hidden from everyone but its author until an operator restores it. On SQLite and Postgres.
/// </summary>
public class MarketplaceAbuseTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private const string Flow = """
        organism: {name: abuse}
        payloads:
          Text: {fields: {Text: string}}
        listeners:
          - name: a
            description: answers
            payload_class: Text
            handler: output
        """;

    private static string Suffix() => Guid.NewGuid().ToString("N")[..6];

    /// <summary>A template by a new tenant, used by another (so that one may vote); the listing id and the voter.</summary>
    private async Task<(string Id, TestUser Author, TestUser Voter)> TemplateUsedByAsync()
    {
        var author = await factory.CreateUserAsync("abuse-pub-" + Suffix());
        var handle = (await author.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher"))!["handle"]!.GetValue<string>();
        var flow = await Json.PostAsync(author.Client, "/api/flows", Flows.Create("Abuse", Flow), 201);
        await Json.PostAsync(author.Client, "/api/marketplace/publish", new
        {
            kind = "flow", flowId = flow["id"]!.GetValue<string>(), name = "abuse-" + Suffix(), version = "1.0.0", summary = "Answers", categories = new[] { "support" },
        }, 202);
        var id = (await author.Client.GetFromJsonAsync<JsonObject>("/api/marketplace/publisher/stats"))!["listings"]![0]!["id"]!.GetValue<string>();
        Assert.StartsWith(handle + "/", id, StringComparison.Ordinal);
        var voter = await factory.CreateUserAsync("abuse-voter-" + Suffix());
        await Json.PostAsync(voter.Client, $"/api/marketplace/flows/{id}/use", new { name = "Used" }, 201);
        return (id, author, voter);
    }

    private static async Task<JsonArray> ReviewsAsync(TestUser user, string id) =>
        (await user.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/flows/{id}"))!["reviews"]!.AsArray();

    [ProviderFact]
    public async Task YoungTenantVote_HeldUntilOldEnough_ThenCounted()
    {
        var (id, _, voter) = await TemplateUsedByAsync();
        var vote = await Json.PostAsync(voter.Client, $"/api/marketplace/flows/{id}/votes", new { up = true, text = "handy" }, 200);
        Assert.True(vote["held"]!.GetValue<bool>());
        Assert.Equal((0L, 0L), (vote["votesUp"]!.GetValue<long>(), vote["votesDown"]!.GetValue<long>()));
        var countsFrom = vote["countsFrom"]!.GetValue<DateTimeOffset>();
        Assert.InRange(countsFrom - DateTimeOffset.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7));

        // The author of the vote sees its review, marked held; nobody else sees it yet.
        var mine = Assert.Single(await ReviewsAsync(voter, id))!;
        Assert.Equal(("handy", true, true), (mine["text"]!.GetValue<string>(), mine["held"]!.GetValue<bool>(), mine["mine"]!.GetValue<bool>()));
        var stranger = await factory.CreateUserAsync("abuse-stranger-" + Suffix());
        Assert.Empty(await ReviewsAsync(stranger, id));
        Assert.Equal(0, (await stranger.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/flows/{id}"))!["votesUp"]!.GetValue<long>());

        // The sweep before the tenant is 7 days old counts nothing; after, the vote counts once.
        var catalog = factory.Services.GetRequiredService<MarketplaceCatalog>();
        await catalog.ReleaseHeldVotesAsync(countsFrom.AddMinutes(-1), default);
        Assert.Equal(0, (await stranger.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/flows/{id}"))!["votesUp"]!.GetValue<long>());
        Assert.True(await catalog.ReleaseHeldVotesAsync(countsFrom.AddMinutes(1), default) >= 1);
        var detail = (await stranger.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/flows/{id}"))!;
        Assert.Equal(1, detail["votesUp"]!.GetValue<long>());
        var shown = Assert.Single(detail["reviews"]!.AsArray())!;
        Assert.Equal(("handy", false, false), (shown["text"]!.GetValue<string>(), shown["held"]!.GetValue<bool>(), shown["mine"]!.GetValue<bool>()));
    }

    [ProviderFact]
    public async Task Review_HiddenAfterThreeDistinctReporters_AuthorStillSeesIt_OperatorRestores()
    {
        using var counted = factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, c) =>
            c.AddInMemoryCollection(new Dictionary<string, string?> { ["Marketplace:MinVoterAgeDays"] = "0" })));
        var (id, author, voter) = await TemplateUsedByAsync();
        var voterClient = counted.CreateClient();
        voterClient.DefaultRequestHeaders.Authorization = voter.Client.DefaultRequestHeaders.Authorization;
        var vote = await Json.PostAsync(voterClient, $"/api/marketplace/flows/{id}/votes", new { up = false, text = "BUY CHEAP WATCHES" }, 200);
        Assert.False(vote["held"]!.GetValue<bool>()); // min_voter_age_days = 0: counted at once
        Assert.Equal(1, vote["votesDown"]!.GetValue<long>());
        var reviewId = vote["reviewId"]!.GetValue<string>();
        Assert.Equal(reviewId, Assert.Single(await ReviewsAsync(author, id))!["id"]!.GetValue<string>());

        var url = $"/api/marketplace/flows/{id}/reviews/{reviewId}/reports";
        Assert.Equal("validation_failed", (await Json.PostAsync(voter.Client, url, new { reason = "spam" }, 422))["code"]!.GetValue<string>()); // not its own
        Assert.Equal("not_found", (await Json.PostAsync(author.Client, $"/api/marketplace/flows/{id}/reviews/rv_nope/reports", new { reason = "spam" }, 404))["code"]!.GetValue<string>());
        var first = await Json.PostAsync(author.Client, url, new { reason = "spam" }, 200);
        Assert.Equal(("received", false), (first["state"]!.GetValue<string>(), first["hidden"]!.GetValue<bool>()));
        Assert.Equal("updated", (await Json.PostAsync(author.Client, url, new { reason = "other", text = "ads" }, 200))["state"]!.GetValue<string>());
        var second = await factory.CreateUserAsync("abuse-rep2-" + Suffix());
        Assert.False((await Json.PostAsync(second.Client, url, new { reason = "spam" }, 200))["hidden"]!.GetValue<bool>());
        Assert.Single(await ReviewsAsync(second, id)); // two tenants (one of them twice): still shown
        var third = await factory.CreateUserAsync("abuse-rep3-" + Suffix());
        Assert.True((await Json.PostAsync(third.Client, url, new { reason = "spam" }, 200))["hidden"]!.GetValue<bool>());

        Assert.Empty(await ReviewsAsync(third, id));
        Assert.Empty(await ReviewsAsync(author, id));
        var own = Assert.Single(await ReviewsAsync(voter, id))!;
        Assert.Equal(("BUY CHEAP WATCHES", true, true), (own["text"]!.GetValue<string>(), own["hidden"]!.GetValue<bool>(), own["mine"]!.GetValue<bool>()));
        Assert.Equal(1, (await third.Client.GetFromJsonAsync<JsonObject>($"/api/marketplace/flows/{id}"))!["votesDown"]!.GetValue<long>()); // the vote still counts

        // The operator (nextra marketplace review hidden | restore) finds it and shows it again.
        var review = factory.Services.GetRequiredService<MarketplaceReview>();
        var hidden = Assert.Single(await review.HiddenAsync(100, default), r => r.Id == reviewId);
        Assert.Equal((id, voter.TenantId, 3L), (hidden.ListingId, hidden.TenantId, hidden.Reports));
        await review.RestoreAsync(reviewId, default);
        await Assert.ThrowsAsync<InvalidOperationException>(() => review.RestoreAsync(reviewId, default));
        Assert.DoesNotContain(await review.HiddenAsync(100, default), r => r.Id == reviewId);
        var back = Assert.Single(await ReviewsAsync(third, id))!;
        Assert.Equal(("BUY CHEAP WATCHES", false), (back["text"]!.GetValue<string>(), back["hidden"]!.GetValue<bool>()));
    }
}

public sealed class PostgresMarketplaceAbuseTests(PostgresNextraFactory factory) : MarketplaceAbuseTests(factory), IClassFixture<PostgresNextraFactory>;
