using Microsoft.Extensions.Logging;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Downgrades never delete: when a tenant's tier runs fewer flows than it has running, the flows above the tier's
/// <c>flows</c> stop with the reason <see cref="OverPlanLimit"/> (the ones updated longest ago stay running). The stop
/// is written to the stores (status stopped, reason in the flow's run-time row) and the flow's owner, on whichever
/// instance, is told through <see cref="IRunSignals"/> and converges. Starting is refused while the tenant is at its
/// limit; after an upgrade the stopped flows start again.
/// </summary>
public sealed class PlanLimits(IFlowCatalog catalog, IFlowRuntimeStore runtime, IRunSignals signals, ILogger<PlanLimits> logger,
    IEnumerable<IFlowStartCheck> startChecks) : ITierChangeHandler
{
    /// <summary>The status reason of a flow stopped because the tenant's tier runs fewer flows.</summary>
    public const string OverPlanLimit = "over_plan_limit";

    public Task OnTierChangedAsync(TierChanged change, CancellationToken ct) => EnforceAsync(change.TenantId, change.After, ct);

    /// <summary>Stops the tenant's running flows above <paramref name="tier"/>'s <c>flows</c>; returns the ids stopped.</summary>
    public async Task<IReadOnlyList<string>> EnforceAsync(string tenantId, TierLimits tier, CancellationToken ct)
    {
        if (tier.Flows is not { } max) return [];
        var running = Running(await catalog.ListForTenantAsync(tenantId, ct).ConfigureAwait(false), null);
        if (running.Count <= max) return [];
        var stop = running.Skip((int)Math.Min(max, int.MaxValue)).ToList();
        foreach (var flow in stop)
        {
            // The reason first: whoever sees the stopped status can already tell why.
            await runtime.SetErrorAsync(tenantId, flow.Id, OverPlanLimit, ct).ConfigureAwait(false);
            await catalog.SetStatusAsync(tenantId, flow.Id, FlowStatuses.Stopped, ct).ConfigureAwait(false);
            await signals.FlowChangedAsync(new FlowSignal(tenantId, flow.Id, "stop"), ct).ConfigureAwait(false);
        }
        logger.LogInformation("Tenant {TenantId} is on tier {Tier} ({Max} flows): stopped {Count} flows over the plan limit: {Flows}",
            tenantId, tier.Name, max, stop.Count, string.Join(", ", stop.Select(f => f.Id)));
        return [.. stop.Select(f => f.Id)];
    }

    /// <summary>Refuses to start <paramref name="flow"/> when an <see cref="IFlowStartCheck"/> refuses, or the tenant already runs as many flows as its tier allows.</summary>
    public async Task CheckStartAsync(FlowSnapshot flow, TierLimits tier, CancellationToken ct)
    {
        if (flow.Status is FlowStatuses.Running or FlowStatuses.Starting) return;
        // Other modules' conditions first (a template flow whose secrets are unbound): fixing them needs no plan change.
        foreach (var check in startChecks)
            await check.CheckStartAsync(flow, ct).ConfigureAwait(false);
        if (tier.Flows is not { } max) return;
        var others = Running(await catalog.ListForTenantAsync(flow.TenantId, ct).ConfigureAwait(false), flow.Id).Count;
        if (others < max) return;
        var ex = new ApiException(403, OverPlanLimit, "Over plan limit",
            $"The {tier.Name} plan runs {Flows(max)} and {Flows(others)} already run{(others == 1 ? "s" : "")}: stop another flow first, or upgrade the plan (Settings → Billing). Nothing was deleted.");
        ex.Extensions["limit"] = "flows";
        ex.Extensions["tier"] = tier.Name;
        throw ex;
    }

    /// <summary>The persisted reason of a stopped flow (<see cref="OverPlanLimit"/>), or null.</summary>
    public async Task<string?> StopReasonAsync(string tenantId, string flowId, CancellationToken ct) =>
        await runtime.GetErrorAsync(tenantId, flowId, ct).ConfigureAwait(false) is OverPlanLimit ? OverPlanLimit : null;

    /// <summary>The running (or starting) flows, the ones updated longest ago first: those are the ones that keep running.</summary>
    private static List<FlowSnapshot> Running(IReadOnlyList<FlowSnapshot> flows, string? except) =>
        [.. flows.Where(f => f.Status is FlowStatuses.Running or FlowStatuses.Starting && f.Id != except)
            .OrderBy(f => f.UpdatedAt).ThenBy(f => f.Id, StringComparer.Ordinal)];

    private static string Flows(long n) => n == 1 ? "1 flow" : $"{n} flows";
}
