using System.Globalization;
using System.Text.Json;
using Nextra.Modules.Common;
using Nextra.Modules.Marketplace.Signing;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// Browsing: search with the R7 ranking <c>rank = 0.45·pop + 0.35·quality + 0.10·fresh + 0.10·verified</c> (pop = log1p(active
/// tenants in 30 days) / log1p(the maximum among the matches), quality = Wilson lower bound of 👍, fresh = e^(−days/180)); with
/// a query the order is text relevance × (1 + rank). Listing pages, and votes from tenants that used the listing.
/// </summary>
internal sealed class MarketplaceCatalog(IMarketplaceStore store, PackageVerifier verifier, MarketplaceKeys keys, Microsoft.Extensions.Options.IOptions<MarketplaceOptions> options, TimeProvider time)
{
    private const int Candidates = 500;

    /// <summary>R7: a review is hidden after reports from this many distinct tenants, pending moderation.</summary>
    public const int HideReviewAfterReports = 3;

    /// <summary>R7: reviews (votes with text) a tenant may write per UTC day.</summary>
    public const int ReviewsPerDay = 10;

    public const string ReviewRateLimited = "review_rate_limited";

    public static readonly string[] ReviewLevels = ["community", "verified", "official"];

    /// <summary>R7 search. Filters: <paramref name="review"/> (a review level), <paramref name="network"/> = none (tools that make no network requests), <paramref name="installed"/> (the tenant's installed tools, or templates it used).</summary>
    public async Task<ListingPage> SearchAsync(string tenantId, string kind, string? q, string? category, string? sort, string? cursor, CancellationToken ct,
        string? review = null, string? network = null, bool? installed = null)
    {
        review = string.IsNullOrWhiteSpace(review) ? null : review.Trim().ToLowerInvariant();
        if (review is not null && !ReviewLevels.Contains(review))
            throw MarketplaceErrors.Invalid("review", $"review is one of {string.Join(", ", ReviewLevels)}.");
        network = string.IsNullOrWhiteSpace(network) ? null : network.Trim().ToLowerInvariant();
        if (network is not null && (network != "none" || kind != "tool"))
            throw MarketplaceErrors.Invalid("network", "network=none keeps the tools that make no network requests (tools only).");
        var now = time.GetUtcNow();
        var hits = (await store.SearchAsync(tenantId, kind, string.IsNullOrWhiteSpace(q) ? null : q.Trim(),
            string.IsNullOrWhiteSpace(category) ? null : category.Trim().ToLowerInvariant(), now.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Candidates, ct)).AsEnumerable();
        if (review is not null)
            hits = hits.Where(h => h.Listing.ReviewLevel == review);
        if (network is not null)
            hits = hits.Where(h => h.LatestManifest is { } m && (JsonSerializer.Deserialize(m, MarketplaceJsonContext.Default.ToolPermissions)?.Http?.Hosts ?? []).Length == 0);
        if (installed is { } wanted)
        {
            var mine = kind == "tool"
                ? (await store.ListInstallsAsync(tenantId, ct)).Select(i => i.ListingId).ToHashSet(StringComparer.Ordinal)
                : (await store.ListTemplateFlowsAsync(tenantId, ct)).Select(t => t.ListingId).ToHashSet(StringComparer.Ordinal);
            hits = hits.Where(h => mine.Contains(h.Listing.Id) == wanted);
        }
        var filtered = hits.ToList();
        var maxActive = filtered.Count == 0 ? 0 : filtered.Max(h => h.ActiveTenants);
        var ranked = filtered.Select(h => (Hit: h, Rank: Rank(h, maxActive, now))).ToList();
        IOrderedEnumerable<(ListingHit Hit, double Rank)> ordered = (sort?.ToLowerInvariant() ?? "relevance") switch
        {
            "popular" => ranked.OrderByDescending(r => r.Hit.ActiveTenants).ThenByDescending(r => r.Hit.Listing.Installs),
            "recent" => ranked.OrderByDescending(r => r.Hit.Listing.UpdatedAt, StringComparer.Ordinal),
            "rating" => ranked.OrderByDescending(r => Wilson(r.Hit.Listing.VotesUp, r.Hit.Listing.VotesDown)),
            _ => string.IsNullOrWhiteSpace(q) ? ranked.OrderByDescending(r => r.Rank) : ranked.OrderByDescending(r => r.Hit.TextScore * (1 + r.Rank)),
        };
        var offset = int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
        var page = ordered.ThenBy(r => r.Hit.Listing.Id, StringComparer.Ordinal).Skip(offset).Take(MarketplaceService.PageSize + 1).ToList();
        var next = page.Count > MarketplaceService.PageSize ? (offset + MarketplaceService.PageSize).ToString(CultureInfo.InvariantCulture) : null;
        return new ListingPage([.. page.Take(MarketplaceService.PageSize).Select(r => Summary(r.Hit.Listing))], next);
    }

    public static double Rank(ListingHit hit, long maxActive, DateTimeOffset now)
    {
        var pop = maxActive == 0 ? 0 : Math.Log(1 + hit.ActiveTenants) / Math.Log(1 + maxActive);
        var quality = Wilson(hit.Listing.VotesUp, hit.Listing.VotesDown);
        var days = Math.Max(0, (now - SqliteCommands.ParseIso(hit.Listing.UpdatedAt)).TotalDays);
        var fresh = Math.Exp(-days / 180);
        var verified = hit.Listing.ReviewLevel is "verified" or "official" ? 1 : 0;
        return 0.45 * pop + 0.35 * quality + 0.10 * fresh + 0.10 * verified;
    }

    /// <summary>Lower bound of the 95% Wilson score interval of the 👍 share (0 with no votes).</summary>
    public static double Wilson(long up, long down)
    {
        var n = up + down;
        if (n == 0) return 0;
        const double z = 1.959964;
        var p = (double)up / n;
        return (p + z * z / (2 * n) - z * Math.Sqrt((p * (1 - p) + z * z / (4 * n)) / n)) / (1 + z * z / n);
    }

    public static ListingSummary Summary(ListingRow l) => new(l.Id, l.Kind, l.LatestVersion ?? "", l.DisplayName, l.Summary, Categories(l),
        l.Publisher, l.ReviewLevel, l.Installs, l.VotesUp, l.VotesDown, SqliteCommands.ParseIso(l.UpdatedAt));

    private static string[] Categories(ListingRow l) => JsonSerializer.Deserialize(l.Categories, MarketplaceJsonContext.Default.StringArray) ?? [];

    public async Task<ListingRow> ListingAsync(string tenantId, string kind, string publisher, string name, CancellationToken ct)
    {
        var listing = await store.GetListingAsync(tenantId, $"{publisher}/{name}", ct);
        if (listing is null || listing.Kind != kind || (listing.LatestVersion is null && listing.TenantId != tenantId))
            throw ApiException.NotFound($"Listing {publisher}/{name}");
        return listing;
    }

    public async Task<ListingDetail> GetAsync(string tenantId, string kind, string publisher, string name, CancellationToken ct)
    {
        var l = await ListingAsync(tenantId, kind, publisher, name, ct);
        var versions = await store.ListVersionsAsync(l.Id, ct);
        var visible = versions.Where(v => v.State == "published" || l.TenantId == tenantId).ToList();
        var current = l.LatestVersion is { } latest ? await store.GetVersionAsync(l.Id, latest, ct) : null;
        var valid = false;
        if (current is not null)
        {
            try
            {
                await verifier.VerifyAsync(l, current, ct);
                valid = true;
            }
            catch (ApiException)
            {
                valid = false;
            }
        }
        ToolPermissions? permissions = null;
        ListingSecret[] secrets = [];
        TemplateInput[] inputs = [];
        string[] tools = [];
        if (current is not null && l.Kind == "tool")
        {
            permissions = PackageVerifier.ToolPermissionsOf(current);
            secrets = [.. (permissions.Secrets ?? []).Select(s => new ListingSecret(s.Name, s.Purpose, s.Hosts))];
        }
        else if (current is not null)
        {
            var header = JsonSerializer.Deserialize(current.Manifest, MarketplaceJsonContext.Default.TemplateManifest);
            inputs = header?.Inputs ?? [];
            tools = header?.Tools ?? [];
            secrets = [.. (header?.Secrets ?? []).Select(s => new ListingSecret(s, null, []))];
        }
        var installs = await store.ListInstallsAsync(tenantId, ct);
        // Others see counted, visible reviews; the author sees its own held or hidden one too, marked.
        var reviews = (await store.ListVotesAsync(l.Id, 100, ct))
            .Where(v => v.TenantId == tenantId || (v.Counted && v.HiddenAt is null))
            .Take(50)
            .Select(v => new ListingReview(v.Id, v.Up, v.Text, SqliteCommands.ParseIso(v.CreatedAt), v.TenantId == tenantId, !v.Counted, v.HiddenAt is not null,
                v.Reply, v.ReplyAt is null ? null : SqliteCommands.ParseIso(v.ReplyAt)))
            .ToArray();
        return new ListingDetail(l.Id, l.Kind, l.Publisher, l.Name, l.LatestVersion ?? "", l.DisplayName, l.Summary, Categories(l), l.ReviewLevel,
            l.Visibility, l.Installs, l.VotesUp, l.VotesDown, SqliteCommands.ParseIso(l.UpdatedAt),
            [.. visible.Select(v => new ListingVersion(v.Version, v.State, v.Digest, SqliteCommands.ParseIso(v.CreatedAt)))],
            permissions, permissions?.Summary() ?? [], ReadmeRenderer.Render(l.Readme), secrets, inputs, tools, reviews,
            installs.FirstOrDefault(i => i.ListingId == l.Id)?.Id, valid);
    }

    public async Task<VoteResponse> VoteAsync(string tenantId, string kind, string publisher, string name, VoteRequest body, CancellationToken ct)
    {
        var l = await ListingAsync(tenantId, kind, publisher, name, ct);
        if (body.Text is { Length: > 2000 })
            throw MarketplaceErrors.Invalid("text", "A review is at most 2,000 characters.");
        if (!await store.HasUsedAsync(tenantId, l.Id, ct))
            throw new ApiException(403, MarketplaceErrors.VoteRequiresUse, "Use it first",
                kind == "tool" ? "Only tenants that ran this tool in a flow may vote on it." : "Only tenants that created a flow from this template may vote on it.");
        // R7: a vote of a tenant younger than min_voter_age_days is held (stored, not counted) until the tenant is that old.
        var now = time.GetUtcNow();
        if (!string.IsNullOrWhiteSpace(body.Text))
        {
            // R7: at most ReviewsPerDay reviews (votes with text, new or rewritten) per tenant per UTC day.
            var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
            if (await store.CountReviewsSinceAsync(tenantId, SqliteCommands.Iso(day), ct) >= ReviewsPerDay)
            {
                var limited = new ApiException(429, ReviewRateLimited, "Too many reviews",
                    $"A tenant writes at most {ReviewsPerDay} reviews a day; try again after {day.AddDays(1):yyyy-MM-dd} 00:00 UTC (a vote without text is not limited).");
                limited.Extensions["retryAt"] = day.AddDays(1);
                throw limited;
            }
        }
        var created = await store.TenantCreatedAtAsync(tenantId, ct) is { } c ? SqliteCommands.ParseIso(c) : now;
        var countsAt = created.AddDays(options.Value.MinVoterAgeDays);
        var held = countsAt > now;
        var reviewId = await store.UpsertVoteAsync(new VoteRow
        {
            Id = "rv_" + Guid.NewGuid().ToString("N")[..16], // kept by the store when the tenant's vote is replaced
            ListingId = l.Id, TenantId = tenantId, Up = body.Up, Text = string.IsNullOrWhiteSpace(body.Text) ? null : body.Text.Trim(),
            CreatedAt = SqliteCommands.Iso(now), CountsAt = SqliteCommands.Iso(held ? countsAt : now), Counted = !held,
        }, ct);
        var after = await store.GetListingAsync(tenantId, l.Id, ct) ?? l;
        return new VoteResponse(after.VotesUp, after.VotesDown, reviewId, held, held ? countsAt : null);
    }

    /// <summary>Counts the held votes whose tenants are old enough by <paramref name="now"/> (the sweeper, every 10 minutes).</summary>
    public Task<int> ReleaseHeldVotesAsync(DateTimeOffset now, CancellationToken ct) => store.ReleaseHeldVotesAsync(SqliteCommands.Iso(now), ct);

    /// <summary>
    /// A tenant's report of a review on this listing (R7): not its own; one per tenant (a repeat replaces it); after
    /// <see cref="HideReviewAfterReports"/> distinct tenants the review is hidden from everyone but its author until an operator restores it.
    /// </summary>
    public async Task<ReviewReportResponse> ReportReviewAsync(string tenantId, string kind, string publisher, string name, string reviewId, ReportRequest body, CancellationToken ct)
    {
        var l = await ListingAsync(tenantId, kind, publisher, name, ct);
        var review = await store.FindReviewAsync(reviewId, ct);
        if (review is null || review.ListingId != l.Id || (!review.Counted && review.TenantId != tenantId))
            throw ApiException.NotFound($"Review {reviewId} on {l.Id}");
        var reason = body.Reason?.Trim().ToLowerInvariant() ?? "";
        if (!ReportReasons.Contains(reason))
            throw MarketplaceErrors.Invalid("reason", $"reason is one of {string.Join(", ", ReportReasons)}.");
        if (body.Text is { Length: > 2000 })
            throw MarketplaceErrors.Invalid("text", "A report is at most 2,000 characters.");
        if (review.TenantId == tenantId)
            throw MarketplaceErrors.Invalid("reviewId", "A tenant does not report its own review; vote again to replace it.");
        var outcome = await store.ReportReviewAsync(new ReviewReportRow
        {
            ReviewId = review.Id, TenantId = tenantId, Reason = reason, Text = string.IsNullOrWhiteSpace(body.Text) ? null : body.Text.Trim(),
            CreatedAt = SqliteCommands.Iso(time.GetUtcNow()),
        }, HideReviewAfterReports, ct) ?? throw ApiException.NotFound($"Review {reviewId} on {l.Id}");
        return new ReviewReportResponse(review.Id, reason, outcome.First ? "received" : "updated", outcome.Hidden);
    }

    /// <summary>
    /// A published version as the signed <c>.ntpkg</c> another server imports (POST /api/marketplace/publish, multipart): the
    /// stored bytes, statement, publisher signature and key, and the registry's countersignature, unchanged. The latest version
    /// when <paramref name="version"/> is null.
    /// </summary>
    public async Task<(byte[] Package, string FileName, string Digest)> ExportAsync(string tenantId, string kind, string publisher, string name, string? version, CancellationToken ct)
    {
        var l = await ListingAsync(tenantId, kind, publisher, name, ct);
        var wanted = string.IsNullOrWhiteSpace(version) ? l.LatestVersion : version.Trim();
        var v = wanted is null ? null : await store.GetVersionAsync(l.Id, wanted, ct);
        if (v is null || v.State != "published")
            throw ApiException.NotFound($"Published version {l.Id}@{wanted}");
        var file = PackageStatement.Files(v.Statement).Keys.FirstOrDefault(k => k is "tool.wasm" or "tool.wat" or "organism.yaml")
            ?? throw new ApiException(422, MarketplaceErrors.SignatureInvalid, "Signature invalid", $"{l.Id}@{v.Version}: its statement names no artifact.");
        var publisherKey = v.PublisherKey;
        if (publisherKey is null)
        {
            publisherKey = l.TenantId == PackageVerifier.SystemTenant
                ? (await keys.ServerKeyAsync(ct)).PublicKey
                : (await store.FindPublisherByHandleAsync(l.Publisher, ct))?.PublicKey ?? "";
        }
        ToolPermissions? permissions = l.Kind == "tool" ? PackageVerifier.ToolPermissionsOf(v) : null;
        var inputs = l.Kind == "flow" ? JsonSerializer.Deserialize(v.Manifest, MarketplaceJsonContext.Default.TemplateManifest)?.Inputs : null;
        var manifest = new PackageManifest(l.Kind, l.Name, v.Version, l.DisplayName, l.Summary, Categories(l), permissions, inputs, l.Visibility);
        var signature = new PackageSignature(PackageSignature.CurrentType, v.Statement, v.Signature, v.SignerKeyId, publisherKey, v.Manifest,
            v.Approval, v.Countersignature, v.CounterKeyId);
        return (NtpkgPackage.Write(manifest, l.Readme, file, v.Content, signature), $"{l.Publisher}-{l.Name}-{v.Version}.ntpkg", v.Digest);
    }

    public static readonly string[] ReportReasons = ["malware", "stolen-credentials", "spam", "broken", "impersonation", "other"];

    /// <summary>An abuse report (R5): any tenant but the publisher's, one per tenant and listing (a repeat replaces it).</summary>
    public async Task<ReportResponse> ReportAsync(string tenantId, string kind, string publisher, string name, ReportRequest body, CancellationToken ct)
    {
        var l = await ListingAsync(tenantId, kind, publisher, name, ct);
        var reason = body.Reason?.Trim().ToLowerInvariant() ?? "";
        if (!ReportReasons.Contains(reason))
            throw MarketplaceErrors.Invalid("reason", $"reason is one of {string.Join(", ", ReportReasons)}.");
        if (body.Text is { Length: > 2000 })
            throw MarketplaceErrors.Invalid("text", "A report is at most 2,000 characters.");
        if (l.TenantId == tenantId)
            throw MarketplaceErrors.Invalid("id", "A publisher does not report its own listing; publish a new version or make it private instead.");
        var first = await store.UpsertReportAsync(new ReportRow
        {
            ListingId = l.Id, TenantId = tenantId, Reason = reason, Text = string.IsNullOrWhiteSpace(body.Text) ? null : body.Text.Trim(),
            CreatedAt = SqliteCommands.Iso(time.GetUtcNow()),
        }, ct);
        return new ReportResponse(l.Id, reason, first ? "received" : "updated");
    }

    /// <summary>The publisher's listings with installs, votes, tenants active in the last 30 days and reports (R8 publisher stats).</summary>
    public async Task<PublisherStats> StatsAsync(string tenantId, string handle, CancellationToken ct)
    {
        var rows = await store.PublisherStatsAsync(tenantId, time.GetUtcNow().AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ct);
        return new PublisherStats(handle, [.. rows.Select(r => new ListingStats(r.ListingId, r.Kind, r.LatestVersion, r.Visibility, r.Installs, r.VotesUp,
            r.VotesDown, r.ActiveTenants, r.Reports))]);
    }
}
