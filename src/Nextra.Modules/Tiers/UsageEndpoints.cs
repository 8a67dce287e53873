using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;
using Nextra.Modules.Tiers.Stores;

namespace Nextra.Modules.Tiers;

/// <summary><c>GET /api/usage</c> (docs/api.md): the dashboard's tier and quota figures.</summary>
internal static class UsageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/usage", GetAsync).RequireAuthorization(AuthPolicies.Reader).WithTags("Usage")
            .WithName("GetUsage").WithSummary("The tenant's tier, its limits (null = unlimited) and what is used: flows, runs this month, modules, members, meters.");
        app.MapGet("/api/usage/history", HistoryAsync).RequireAuthorization(AuthPolicies.Reader).WithTags("Usage")
            .WithName("GetUsageHistory").WithSummary("Metered usage of the last ?months=N UTC months (default 12, at most 36), newest first.");
    }

    internal static async Task<Ok<IReadOnlyList<UsageMonth>>> HistoryAsync(int? months, ICurrentUser user, IUsageMeter usage, TimeProvider time,
        CancellationToken ct) =>
        TypedResults.Ok(await usage.HistoryAsync(user.TenantId, Math.Clamp(months ?? 12, 1, 36), time.GetUtcNow(), ct));

    internal static async Task<Ok<UsageResponse>> GetAsync(ICurrentUser user, ITierLimits tiers, ITenantTierStore store, ExecutionMeter meter,
        IUsageMeter usage, TimeProvider time, CancellationToken ct)
    {
        var tenantId = user.TenantId;
        var tier = await tiers.ForTenantAsync(tenantId, ct);
        var counts = await store.CountsAsync(tenantId, ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new UsageResponse(
            tier.Name, counts.Flows, tier.Flows, await meter.UsedAsync(tenantId, now, ct), tier.ExecutionsPerMonth, QuotaCounters.MonthOf(now),
            counts.Modules, tier.WasmModules, tier.ProjectMemoryBytes, counts.Members, tier.TeamMembers,
            tier.KeepAlive, tier.IdleStopMinutes is > 0 ? tier.IdleStopMinutes : null,
            await usage.GetAsync(tenantId, QuotaCounters.MonthOf(now), ct)));
    }
}
