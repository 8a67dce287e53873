namespace Nextra.Modules.Marketplace.Stores;

/// <summary>
/// Listings, versions, publishers, submissions, installs, votes and usage. Every read a tenant makes is scoped: a
/// private listing is visible to its own tenant only; installs, submissions and votes are per tenant.
/// </summary>
internal interface IMarketplaceStore
{
    Task<PublisherRow?> GetPublisherAsync(string tenantId, CancellationToken ct);
    Task<PublisherRow?> FindPublisherByHandleAsync(string handle, CancellationToken ct);
    /// <summary>Inserts or changes the tenant's publisher row; false when the handle belongs to another tenant.</summary>
    Task<bool> SavePublisherAsync(PublisherRow row, CancellationToken ct);

    /// <summary>The named server key; inserts <paramref name="candidate"/> when there is none (the first instance wins).</summary>
    Task<ServerKeyRow> GetOrAddServerKeyAsync(ServerKeyRow candidate, CancellationToken ct);

    /// <summary>The listing when <paramref name="viewerTenantId"/> may see it (public, or its own private one).</summary>
    Task<ListingRow?> GetListingAsync(string viewerTenantId, string id, CancellationToken ct);
    /// <summary>Inserts the listing or updates its descriptive fields, latest version and review level.</summary>
    Task SaveListingAsync(ListingRow row, CancellationToken ct);
    /// <summary>Listed (has a published version) listings of a kind the viewer may see, matching <paramref name="query"/> (full text) and category; at most <paramref name="limit"/>. Each hit carries its latest version's manifest (the filters).</summary>
    Task<IReadOnlyList<ListingHit>> SearchAsync(string viewerTenantId, string kind, string? query, string? category, string activeSince, int limit, CancellationToken ct);

    /// <summary>False when that version already exists (versions are immutable).</summary>
    Task<bool> InsertVersionAsync(VersionRow row, CancellationToken ct);
    Task<VersionRow?> GetVersionAsync(string listingId, string version, CancellationToken ct);
    /// <summary>Every version without its content, newest first by creation.</summary>
    Task<IReadOnlyList<VersionRow>> ListVersionsAsync(string listingId, CancellationToken ct);
    Task UpdateVersionAsync(VersionRow row, CancellationToken ct);

    Task InsertSubmissionAsync(SubmissionRow row, CancellationToken ct);
    Task<SubmissionRow?> GetSubmissionAsync(string tenantId, string id, CancellationToken ct);
    /// <summary>Operator view (the review CLI): submissions in a state, any tenant.</summary>
    Task<IReadOnlyList<SubmissionRow>> ListSubmissionsAsync(string state, CancellationToken ct);
    Task<SubmissionRow?> FindSubmissionAsync(string id, CancellationToken ct);
    Task UpdateSubmissionAsync(SubmissionRow row, CancellationToken ct);

    /// <summary>False when the tenant already has that listing's major installed.</summary>
    Task<bool> InsertInstallAsync(InstallRow row, CancellationToken ct);
    Task<InstallRow?> GetInstallAsync(string tenantId, string id, CancellationToken ct);
    Task<IReadOnlyList<InstallRow>> ListInstallsAsync(string tenantId, CancellationToken ct);
    Task UpdateInstallAsync(InstallRow row, CancellationToken ct);
    Task<bool> DeleteInstallAsync(string tenantId, string id, CancellationToken ct);

    /// <summary>
    /// One vote per tenant and listing (a repeat replaces it, keeping its id and hidden state); the listing's counts (counted
    /// votes only) are recomputed in the same transaction. Returns the review id (the stored one when the vote was replaced).
    /// </summary>
    Task<string> UpsertVoteAsync(VoteRow row, CancellationToken ct);
    /// <summary>Sets the publisher's reply to a review unless it has one; false when it has (one reply per review) or there is no such review.</summary>
    Task<bool> ReplyToReviewAsync(string reviewId, string reply, string at, CancellationToken ct);
    /// <summary>Votes with review text the tenant wrote (or rewrote) at or after <paramref name="since"/> (the R7 daily cap).</summary>
    Task<long> CountReviewsSinceAsync(string tenantId, string since, CancellationToken ct);
    Task<IReadOnlyList<VoteRow>> ListVotesAsync(string listingId, int limit, CancellationToken ct);
    /// <summary>Counts every held vote whose <c>counts_at</c> is at or before <paramref name="now"/> and recomputes those listings' totals; how many were released.</summary>
    Task<int> ReleaseHeldVotesAsync(string now, CancellationToken ct);
    /// <summary>When the tenant was created (the accounts' tenants table, which marketplace rows reference), null when there is no such tenant.</summary>
    Task<string?> TenantCreatedAtAsync(string tenantId, CancellationToken ct);

    Task<VoteRow?> FindReviewAsync(string reviewId, CancellationToken ct);
    /// <summary>
    /// Records (or replaces) the tenant's report of a review and, in the same transaction, hides the review once
    /// <paramref name="hideAfter"/> distinct tenants reported it; null when there is no such review.
    /// </summary>
    Task<ReviewReportOutcome?> ReportReviewAsync(ReviewReportRow row, int hideAfter, CancellationToken ct);
    /// <summary>Operator view: hidden reviews, newest hidden first.</summary>
    Task<IReadOnlyList<VoteRow>> ListHiddenReviewsAsync(int limit, CancellationToken ct);
    /// <summary>Shows a hidden review again and drops its reports (3 new ones hide it again); false when it is not hidden.</summary>
    Task<bool> RestoreReviewAsync(string reviewId, CancellationToken ct);

    /// <summary>Records that the tenant used the listing on <paramref name="day"/> (yyyy-MM-dd), at most once a day.</summary>
    Task RecordUsageAsync(string tenantId, string listingId, string day, CancellationToken ct);
    Task<bool> HasUsedAsync(string tenantId, string listingId, CancellationToken ct);

    /// <summary>Records (or replaces) the template a flow of the tenant was created from.</summary>
    Task SaveTemplateFlowAsync(TemplateFlowRow row, CancellationToken ct);
    Task<TemplateFlowRow?> GetTemplateFlowAsync(string tenantId, string flowId, CancellationToken ct);
    Task<IReadOnlyList<TemplateFlowRow>> ListTemplateFlowsAsync(string tenantId, CancellationToken ct);
    Task DeleteTemplateFlowAsync(string tenantId, string flowId, CancellationToken ct);

    /// <summary>Adds an entry to the revocation list (registry-wide, not tenant data); false when it is already there.</summary>
    Task<bool> AddRevocationAsync(RevocationRow row, CancellationToken ct);
    Task<IReadOnlyList<RevocationRow>> ListRevocationsAsync(CancellationToken ct);

    /// <summary>One report per tenant and listing (a repeat replaces it); true when it is the tenant's first on that listing.</summary>
    Task<bool> UpsertReportAsync(ReportRow row, CancellationToken ct);
    /// <summary>Operator view: every report, newest first.</summary>
    Task<IReadOnlyList<ReportRow>> ListReportsAsync(int limit, CancellationToken ct);

    /// <summary>The publishing tenant's listings (every visibility) with installs, votes, tenants active since <paramref name="activeSince"/> (yyyy-MM-dd) and reports.</summary>
    Task<IReadOnlyList<ListingStatsRow>> PublisherStatsAsync(string tenantId, string activeSince, CancellationToken ct);
}
