using System.Text.Json;
using Nextra.Modules.Marketplace.Stores;

namespace Nextra.Modules.Marketplace;

/// <summary>A submission waiting for (or decided by) an operator: <c>nextra marketplace review list</c>.</summary>
public sealed record ReviewItem(string Id, string TenantId, string ListingId, string Kind, string Version, string State, string CreatedAt, SubmissionCheck[] Checks);

/// <summary>
/// The operator's review queue (<c>[marketplace] review = "manual"</c>): list the queued submissions of every tenant, approve
/// one (the registry countersigns it and it is listed) or reject it with a reason the author sees as the <c>review</c> check;
/// and the moderation of user reviews (R7): list the ones hidden by reports, restore one.
/// Works on whichever store the server uses (SQLite or Postgres); the CLI calls it, never HTTP.
/// </summary>
public sealed class MarketplaceReview
{
    private readonly IMarketplaceStore _store;
    private readonly MarketplaceService _service;

    internal MarketplaceReview(IMarketplaceStore store, MarketplaceService service)
    {
        _store = store;
        _service = service;
    }

    /// <summary>Submissions in <paramref name="state"/> (queued by default), oldest first.</summary>
    public async Task<IReadOnlyList<ReviewItem>> ListAsync(string state, CancellationToken ct)
    {
        var items = new List<ReviewItem>();
        foreach (var s in await _store.ListSubmissionsAsync(state, ct))
            items.Add(await ItemAsync(s, ct));
        return items;
    }

    /// <summary>Approves a queued submission: countersigned by the server key and published. Throws when it is not queued.</summary>
    public Task<ReviewItem> ApproveAsync(string submissionId, string? reason, CancellationToken ct) =>
        DecideAsync(submissionId, approve: true, string.IsNullOrWhiteSpace(reason) ? "approved by an operator" : $"approved by an operator: {reason.Trim()}", ct);

    /// <summary>Rejects a queued submission; the reason is required (the author reads it in the submission's checks).</summary>
    public Task<ReviewItem> RejectAsync(string submissionId, string reason, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new ArgumentException("A rejection needs a reason (--reason \"...\"): the author sees it.");
        return DecideAsync(submissionId, approve: false, $"rejected by an operator: {reason.Trim()}", ct);
    }

    /// <summary>Reviews hidden after reports from 3 distinct tenants (R7), newest first: what <see cref="RestoreAsync"/> takes.</summary>
    public async Task<IReadOnlyList<HiddenReview>> HiddenAsync(int limit, CancellationToken ct) =>
        [.. (await _store.ListHiddenReviewsAsync(limit, ct)).Select(v => new HiddenReview(v.Id, v.ListingId, v.TenantId, v.Up, v.Text, v.Reports, v.HiddenAt ?? ""))];

    /// <summary>Shows a hidden review again (the operator found the reports unfounded) and drops its reports; throws when it is not hidden.</summary>
    public async Task<HiddenReview> RestoreAsync(string reviewId, CancellationToken ct)
    {
        var review = await _store.FindReviewAsync(reviewId.Trim(), ct)
            ?? throw new InvalidOperationException($"Review '{reviewId}' was not found. See nextra marketplace review hidden.");
        if (!await _store.RestoreReviewAsync(review.Id, ct))
            throw new InvalidOperationException($"Review '{review.Id}' is not hidden.");
        return new HiddenReview(review.Id, review.ListingId, review.TenantId, review.Up, review.Text, review.Reports, review.HiddenAt ?? "");
    }

    private async Task<ReviewItem> DecideAsync(string submissionId, bool approve, string reason, CancellationToken ct)
    {
        var submission = await _store.FindSubmissionAsync(submissionId.Trim(), ct)
            ?? throw new InvalidOperationException($"Submission '{submissionId}' was not found. See nextra marketplace review list.");
        if (submission.State != "queued")
            throw new InvalidOperationException($"Submission '{submission.Id}' is {submission.State}, not queued: it was decided already.");
        await _service.DecideAsync(submission, approve, reason, ct);
        return await ItemAsync(await _store.FindSubmissionAsync(submission.Id, ct) ?? submission, ct);
    }

    private async Task<ReviewItem> ItemAsync(SubmissionRow s, CancellationToken ct)
    {
        var listing = await _store.GetListingAsync(s.TenantId, s.ListingId, ct);
        return new ReviewItem(s.Id, s.TenantId, s.ListingId, listing?.Kind ?? "?", s.Version, s.State, s.CreatedAt,
            JsonSerializer.Deserialize(s.Checks, MarketplaceJsonContext.Default.SubmissionCheckArray) ?? []);
    }
}
