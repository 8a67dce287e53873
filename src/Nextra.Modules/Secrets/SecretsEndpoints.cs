using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;

namespace Nextra.Modules.Secrets;

/// <summary>The Secrets rows of docs/api.md. Names are readable by any member; values are write-only.</summary>
internal static class SecretsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/secrets").WithTags("Secrets");
        group.MapGet("", ListAsync).WithName("ListSecrets").WithSummary("The tenant's secret names and when each changed (never values).");
        group.MapPut("/{name}", PutAsync).WithName("PutSecret")
            .WithSummary("Create or replace a secret; the value is encrypted at rest and never returned.");
        group.MapDelete("/{name}", DeleteAsync).WithName("DeleteSecret").WithSummary("Delete a secret.");
    }

    internal static async Task<Ok<SecretListItem[]>> ListAsync(ICurrentUser user, SecretService secrets, CancellationToken ct) =>
        TypedResults.Ok((await secrets.ListAsync(user.TenantId, ct)).ToArray());

    internal static async Task<NoContent> PutAsync(string name, PutSecretRequest body, ICurrentUser user, SecretService secrets, CancellationToken ct)
    {
        await secrets.PutAsync(user.TenantId, name, body.Value, user.Email, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> DeleteAsync(string name, ICurrentUser user, SecretService secrets, CancellationToken ct)
    {
        await secrets.DeleteAsync(user.TenantId, name, ct);
        return TypedResults.NoContent();
    }
}
