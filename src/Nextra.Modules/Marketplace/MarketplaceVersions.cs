using System.Text.Json;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Marketplace.Signing;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Marketplace;

/// <summary>One version's page (R8 <c>GET …/versions/{version}</c>) and the publisher's reply to a review (R7).</summary>
internal sealed class MarketplaceVersions(IMarketplaceStore store, IPublisherKeyStore heldKeys, IRolloutStore rollouts, MarketplaceCatalog catalog,
    IOptions<MarketplaceOptions> options, TimeProvider time)
{
    public async Task<VersionDetail> GetAsync(string tenantId, string kind, string publisher, string name, string version, CancellationToken ct)
    {
        var l = await catalog.ListingAsync(tenantId, kind, publisher, name, ct);
        var v = await store.GetVersionAsync(l.Id, version.Trim(), ct);
        if (v is null || (v.State is not ("published" or "revoked") && l.TenantId != tenantId))
            throw ApiException.NotFound($"Version {l.Id}@{version}");
        ToolPermissions? permissions = null;
        TemplateManifest header = new([], [], []);
        if (l.Kind == "tool")
            permissions = PackageVerifier.ToolPermissionsOf(v);
        else
            header = JsonSerializer.Deserialize(v.Manifest, MarketplaceJsonContext.Default.TemplateManifest) ?? header;
        var publisherKind = v.PublisherKey is null ? (l.TenantId == PackageVerifier.SystemTenant ? "registry" : "custodial")
            : await heldKeys.GetAsync(v.SignerKeyId, ct) is { } held && held.PublicKey == v.PublisherKey ? "publisher" : "imported";
        var signatures = new List<VersionSignatureView> { new("publisher", v.SignerKeyId, v.Signature, publisherKind) };
        if (v.Countersignature is { } counter && v.CounterKeyId is { } counterKey)
            signatures.Add(new("registry", counterKey, counter, null, v.Approval));
        var level = Field(v.Approval, "review_level") ?? l.ReviewLevel;
        var publishedAt = Field(v.Approval, "approved_at") is { } at ? SqliteCommands.ParseIso(at) : (DateTimeOffset?)null;
        RolloutView? rollout = null;
        if (await rollouts.GetAsync(l.Id, v.Version, ct) is { } r)
        {
            var started = SqliteCommands.ParseIso(r.StartedAt);
            rollout = new RolloutView(r.State, started, r.State == "halted" ? null : started.AddHours(options.Value.StagedUpdateHours), r.Detail);
        }
        return new VersionDetail(l.Id, l.Kind, v.Version, v.State, level, v.Digest, SqliteCommands.ParseIso(v.CreatedAt), publishedAt, permissions,
            permissions?.Summary() ?? [], header.Inputs, header.Secrets, header.Tools, v.Statement, [.. signatures], rollout);
    }

    /// <summary>R7: the publishing tenant replies once to a review others can see.</summary>
    public async Task<ReviewReplyResponse> ReplyAsync(string tenantId, string kind, string publisher, string name, string reviewId, ReviewReplyRequest body, CancellationToken ct)
    {
        var l = await catalog.ListingAsync(tenantId, kind, publisher, name, ct);
        var review = await store.FindReviewAsync(reviewId, ct);
        if (review is null || review.ListingId != l.Id || (review.TenantId != tenantId && (!review.Counted || review.HiddenAt is not null)))
            throw ApiException.NotFound($"Review {reviewId} on {l.Id}");
        if (l.TenantId != tenantId)
            throw ApiException.Forbidden($"Only the publisher of {l.Id} replies to its reviews.");
        var text = body.Text?.Trim() ?? "";
        if (text.Length is 0 or > 2000)
            throw MarketplaceErrors.Invalid("text", "A reply is 1-2,000 characters.");
        var now = time.GetUtcNow();
        if (!await store.ReplyToReviewAsync(review.Id, text, SqliteCommands.Iso(now), ct))
            throw ApiException.Conflict($"Review {review.Id} has a reply already; a publisher replies once.");
        return new ReviewReplyResponse(review.Id, text, now);
    }

    private static string? Field(string? json, string name)
    {
        if (json is null) return null;
        try
        {
            return PackageStatement.Field(json, name) is { Length: > 0 } value ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
