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
        app.MapGet("/api/usage", GetAsync).WithTags("Usage")
            .WithName("GetUsage").WithSummary("The tenant's tier, its limits (null = unlimited) and what is used: flows, runs this month, modules, members, meters.");
        app.MapGet("/api/usage/history", HistoryAsync).WithTags("Usage")
            .WithName("GetUsageHistory").WithSummary("Metered usage of the last ?months=N UTC months (default 12, at most 36), newest first.");
        app.MapGet("/api/usage/ledger", LedgerAsync).WithTags("Usage")
            .WithName("GetUsageLedger").WithSummary("The usage ledger (R10): every counted (+1) and refunded (-1) unit, newest first; ?from=&to= (ISO-8601, to exclusive), ?cursor= of the previous page, ?limit= (default 50, at most 500).");
    }

    internal static async Task<Ok<UsageLedgerPage>> LedgerAsync(DateTimeOffset? from, DateTimeOffset? to, string? cursor, int? limit, ICurrentUser user,
        IUsageLedger ledger, CancellationToken ct)
    {
        long? before = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            before = long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c) && c > 0
                ? c
                : throw ApiException.BadRequest(ErrorCodes.BadRequest, "cursor must be the nextCursor of a previous page.");
        }
        if (limit is < 1 or > 500) throw ApiException.BadRequest(ErrorCodes.BadRequest, "limit must be between 1 and 500.");
        if (from is { } f && to is { } t && t <= f) throw ApiException.BadRequest(ErrorCodes.BadRequest, "to must be after from.");
        var n = limit ?? 50;
        var items = await ledger.ListAsync(user.TenantId, from, to, before, n + 1, ct);
        var more = items.Count > n;
        var page = more ? items.Take(n).ToList() : items;
        return TypedResults.Ok(new UsageLedgerPage(page,
            more ? page[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
    }

    internal static async Task<Ok<IReadOnlyList<UsageMonth>>> HistoryAsync(int? months, ICurrentUser user, IUsageMeter usage, TimeProvider time,
        CancellationToken ct) =>
        TypedResults.Ok(await usage.HistoryAsync(user.TenantId, Math.Clamp(months ?? 12, 1, 36), time.GetUtcNow(), ct));

    internal static async Task<Ok<UsageResponse>> GetAsync(ICurrentUser user, ITierLimits tiers, ITenantTierStore store, ExecutionMeter meter,
        IUsageMeter usage, IHeldRunCount held, TimeProvider time, CancellationToken ct)
    {
        var tenantId = user.TenantId;
        var tier = await tiers.ForTenantAsync(tenantId, ct);
        var counts = await store.CountsAsync(tenantId, ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new UsageResponse(
            tier.Name, counts.Flows, tier.Flows, await meter.UsedAsync(tenantId, now, ct), tier.ExecutionsPerMonth, QuotaCounters.MonthOf(now),
            counts.Modules, tier.WasmModules, tier.ProjectMemoryBytes, counts.Members, tier.TeamMembers,
            tier.KeepAlive, tier.IdleStopMinutes is > 0 ? tier.IdleStopMinutes : null,
            await usage.GetAsync(tenantId, QuotaCounters.MonthOf(now), ct), await held.HeldAsync(tenantId, ct)));
    }
}
