using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;

namespace Nextra.Modules.Memory;

/// <summary>Project memory of a flow (docs/api.md). Values are raw bytes.</summary>
internal static class MemoryEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/flows/{id}/memory").WithTags("Memory").RequireAuthorization(AuthPolicies.Reader);
        group.MapGet("", UsageAsync).WithName("GetFlowMemory").WithSummary("Keys, sizes and used/max bytes of the flow's project memory.");
        group.MapGet("/{key}", GetAsync).WithName("GetFlowMemoryKey").WithSummary("One value as raw bytes.")
            .Produces(200, contentType: "application/octet-stream");
        group.MapPut("/{key}", PutAsync).RequireAuthorization(AuthPolicies.Editor).WithName("PutFlowMemoryKey").WithSummary("Store raw bytes under a key; 413 past the flow's cap.");
        group.MapDelete("/{key}", DeleteAsync).RequireAuthorization(AuthPolicies.Editor).WithName("DeleteFlowMemoryKey").WithSummary("Remove a key.");
    }

    internal static async Task<Ok<MemoryUsageResponse>> UsageAsync(string id, ICurrentUser user, ProjectMemoryService memory, CancellationToken ct) =>
        TypedResults.Ok(await memory.UsageAsync(user.TenantId, id, ct));

    internal static async Task<FileContentHttpResult> GetAsync(string id, string key, ICurrentUser user, ProjectMemoryService memory, CancellationToken ct) =>
        TypedResults.File(await memory.GetAsync(user.TenantId, id, key, ct), "application/octet-stream");

    internal static async Task<NoContent> PutAsync(string id, string key, HttpRequest request, ICurrentUser user, ProjectMemoryService memory, CancellationToken ct)
    {
        var max = memory.MaxBytesPerFlow;
        if (request.ContentLength > max)
            throw new ApiException(413, ErrorCodes.PayloadTooLarge, "Memory full", $"The flow's memory is limited to {max} bytes.");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > max)
            throw new ApiException(413, ErrorCodes.PayloadTooLarge, "Memory full", $"The flow's memory is limited to {max} bytes.");
        await memory.PutAsync(user.TenantId, id, key, buffer.ToArray(), ct);
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> DeleteAsync(string id, string key, ICurrentUser user, ProjectMemoryService memory, CancellationToken ct)
    {
        await memory.DeleteAsync(user.TenantId, id, key, ct);
        return TypedResults.NoContent();
    }
}
