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
        var group = app.MapGroup("/api/flows/{id}/memory").WithTags("Memory");
        group.MapGet("", UsageAsync).WithName("GetFlowMemory").WithSummary("Keys, sizes and used/max bytes of the flow's project memory.");
        group.MapGet("/{key}", GetAsync).WithName("GetFlowMemoryKey").WithSummary("One value as raw bytes.")
            .Produces<string>(200, "application/octet-stream");
        group.MapPut("/{key}", PutAsync).WithName("PutFlowMemoryKey").WithSummary("Store raw bytes under a key; 413 past the flow's cap; 403 quota_exceeded when the tier has no project memory.");
        group.MapDelete("/{key}", DeleteAsync).WithName("DeleteFlowMemoryKey").WithSummary("Remove a key.");
    }

    internal static async Task<Ok<MemoryUsageResponse>> UsageAsync(string id, ICurrentUser user, ProjectMemoryService memory, CancellationToken ct) =>
        TypedResults.Ok(await memory.UsageAsync(user.TenantId, id, ct));

    internal static async Task<FileContentHttpResult> GetAsync(string id, string key, ICurrentUser user, ProjectMemoryService memory, CancellationToken ct) =>
        TypedResults.File(await memory.GetAsync(user.TenantId, id, key, ct), "application/octet-stream");

    internal static async Task<NoContent> PutAsync(string id, string key, HttpRequest request, ICurrentUser user, ProjectMemoryService memory, CancellationToken ct)
    {
        // Only the early refusal of an oversized body; the service checks the tier (403) and the flow's total (413).
        var max = await memory.MaxBytesPerFlowAsync(user.TenantId, ct) ?? long.MaxValue;
        if (max > 0 && request.ContentLength > max)
            throw ProjectMemoryService.Full(max);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (max > 0 && buffer.Length > max)
            throw ProjectMemoryService.Full(max);
        await memory.PutAsync(user.TenantId, id, key, buffer.ToArray(), ct);
        return TypedResults.NoContent();
    }

    internal static async Task<NoContent> DeleteAsync(string id, string key, ICurrentUser user, ProjectMemoryService memory, CancellationToken ct)
    {
        await memory.DeleteAsync(user.TenantId, id, key, ct);
        return TypedResults.NoContent();
    }
}
