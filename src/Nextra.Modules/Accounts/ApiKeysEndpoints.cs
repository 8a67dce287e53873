using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts;

/// <summary>The caller's own API keys. Any role may manage its keys; a key carries its user's role.</summary>
internal static class ApiKeysEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/apikeys").WithTags("Authentication");
        group.MapGet("", ListAsync).WithName("ListApiKeys").WithSummary("Your API keys, by prefix.");
        group.MapPost("", CreateAsync).WithName("CreateApiKey").WithSummary("Create an API key; the key is shown once.");
        group.MapDelete("/{id}", RevokeAsync).WithName("RevokeApiKey").WithSummary("Revoke an API key.");
    }

    internal static async Task<Ok<ApiKeyResponse[]>> ListAsync(ICurrentUser user, ApiKeyService keys, CancellationToken ct)
    {
        var rows = await keys.ListAsync(user.TenantId, user.UserId, ct);
        return TypedResults.Ok(rows.Select(r => new ApiKeyResponse(r.Id, r.Name, r.Prefix, Parse(r.CreatedAt),
            r.LastUsedAt is null ? null : Parse(r.LastUsedAt))).ToArray());
    }

    internal static async Task<Created<CreatedApiKeyResponse>> CreateAsync(CreateApiKeyRequest? body, ICurrentUser user, ApiKeyService keys, CancellationToken ct)
    {
        var (row, key) = await keys.CreateAsync(user.TenantId, user.UserId, body?.Name, ct);
        return TypedResults.Created($"/api/apikeys/{row.Id}", new CreatedApiKeyResponse(row.Id, row.Name, row.Prefix, key));
    }

    internal static async Task<NoContent> RevokeAsync(string id, ICurrentUser user, ApiKeyService keys, CancellationToken ct)
    {
        await keys.RevokeAsync(user.TenantId, user.UserId, id, ct);
        return TypedResults.NoContent();
    }

    private static DateTimeOffset Parse(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
