using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;

namespace Nextra.Modules.Marketplace;

/// <summary>Publisher-held keys, one version's page and the publisher's reply to a review (docs/api.md, Marketplace).</summary>
internal static class MarketplaceVersionEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        foreach (var (segment, kind) in new[] { ("tools", "tool"), ("flows", "flow") })
        {
            var name = kind == "tool" ? "Tool" : "Template";
            group.MapGet($"/{segment}/{{publisher}}/{{name}}/versions/{{version}}", (string publisher, string name, string version, ICurrentUser user,
                    MarketplaceVersions versions, CancellationToken ct) => VersionAsync(kind, publisher, name, version, user, versions, ct))
                .WithName($"Get{name}Version")
                .WithSummary("One version: manifest (permissions in plain words, or the template's inputs, secrets and tools), digest, signed statement, signatures (publisher, registry), published at, review level and, while it rolls out to auto-updating installs, its stage.");
            group.MapPost($"/{segment}/{{publisher}}/{{name}}/reviews/{{reviewId}}/reply", (string publisher, string name, string reviewId, ReviewReplyRequest body,
                    ICurrentUser user, MarketplaceVersions versions, CancellationToken ct) => ReplyAsync(kind, publisher, name, reviewId, body, user, versions, ct))
                .WithName($"Reply{name}Review").WithSummary("The publisher's reply to a review (the publishing tenant only; one per review: 409 once replied).");
        }
        group.MapGet("/publisher/keys", ListKeysAsync).WithName("ListPublisherKeys")
            .WithSummary("The publisher's own signing keys (nextra marketplace keygen), revoked ones included.");
        group.MapPost("/publisher/keys", RegisterKeyAsync).WithName("RegisterPublisherKey")
            .WithSummary("Register a publisher-held Ed25519 public key (at most 3 active): packages signed with it (nextra marketplace pack --sign) publish without the custodial key.");
        group.MapDelete("/publisher/keys/{keyId}", RevokeKeyAsync).WithName("RevokePublisherKey")
            .WithSummary("Revoke a publisher key: nothing signed with it publishes any more (key_revoked); versions it signed before stay valid.");
    }

    internal static async Task<Ok<VersionDetail>> VersionAsync(string kind, string publisher, string name, string version, ICurrentUser user,
        MarketplaceVersions versions, CancellationToken ct) => TypedResults.Ok(await versions.GetAsync(user.TenantId, kind, publisher, name, version, ct));

    internal static async Task<Ok<ReviewReplyResponse>> ReplyAsync(string kind, string publisher, string name, string reviewId, ReviewReplyRequest body,
        ICurrentUser user, MarketplaceVersions versions, CancellationToken ct) =>
        TypedResults.Ok(await versions.ReplyAsync(user.TenantId, kind, publisher, name, reviewId, body, ct));

    internal static async Task<Ok<PublisherKeyResponse[]>> ListKeysAsync(ICurrentUser user, PublisherKeyService keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListAsync(user.TenantId, ct));

    internal static async Task<Created<PublisherKeyResponse>> RegisterKeyAsync(PublisherKeyRequest body, ICurrentUser user, MarketplaceService service,
        PublisherKeyService keys, CancellationToken ct)
    {
        await service.PublisherAsync(user.TenantId, user.Email, ct); // the publisher row exists before its keys
        var key = await keys.RegisterAsync(user.TenantId, body, ct);
        return TypedResults.Created($"/api/marketplace/publisher/keys/{key.KeyId}", key);
    }

    internal static async Task<NoContent> RevokeKeyAsync(string keyId, ICurrentUser user, PublisherKeyService keys, CancellationToken ct)
    {
        await keys.RevokeAsync(user.TenantId, keyId, ct);
        return TypedResults.NoContent();
    }
}
