using System.Collections.Concurrent;
using Nextra.Modules.Memory;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Secrets;
using Nextra.Modules.Tiers;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Memory;
using Nextra.Pump.Wasm;

namespace Nextra.Modules.Engine;

/// <summary>
/// What a running flow gets in the server: its tenant's secrets (read through, so a changed secret
/// applies to the next step), its own project memory (SQLite, capped, only when the flow opted in),
/// its tenant's registered WASM modules, the SSRF-guarded egress client, a token budget per pump, and
/// its tier's caps on code blocks and parallel work.
/// </summary>
internal sealed class EngineFlowServicesFactory(
    EngineKinds kinds,
    ISecretResolverFactory secrets,
    IProjectMemories memory,
    ITierLimits tiers,
    ITenantModuleSources modules,
    ISharedStateProvider sharedState,
    TimeProvider time) : IFlowServicesFactory
{
    public IFlowServices Create(string tenantId, string flowId, FlowDefinition flow, IRunEventSink events) => new FlowServices
    {
        Secrets = secrets.For(tenantId),
        Memory = flow.ProjectMemory ? memory.For(tenantId, flowId) : null,
        Events = events,
        Egress = flow.PropagateTraceContext ? kinds.EgressWithTraceContext : kinds.Egress,
        Time = time,
        Budget = new TokenBudgetRegistry(flow.MaxTokensPerThread),
        Modules = new LiveModules(this, tenantId, flowId),
        // Read whenever a code handler is built (start, wake, hot reload), so a tier change applies to the next one.
        TierWasm = () => tiers.ForTenant(tenantId).Wasm,
        SharedState = sharedState.For(tenantId, flowId),
        // Read at each fan-out and map, so a tier change applies to the next one.
        TierParallel = () => tiers.ForTenant(tenantId).Parallel,
    };

    private readonly ConcurrentDictionary<(string Tenant, string Flow), IWasmModuleSource> _modules = new();

    /// <summary>Loads the tenant's modules this flow names (only those), so <see cref="Create"/> stays synchronous.</summary>
    public async Task PrepareAsync(string tenantId, string flowId, FlowDefinition flow, CancellationToken ct)
    {
        await tiers.RefreshAsync(ct).ConfigureAwait(false); // so Create's synchronous tier lookup is current
        var names = flow.Listeners
            .Where(l => l.Handler == "code" && l.Config?["module"] is not null)
            .Select(l => l.Config!["module"]!.ToString().Split('@')[0])
            .ToHashSet(StringComparer.Ordinal);
        if (names.Count == 0)
        {
            _modules.TryRemove((tenantId, flowId), out _);
            return;
        }
        _modules[(tenantId, flowId)] = await modules.ForTenantAsync(tenantId, names, ct).ConfigureAwait(false);
    }

    private IWasmModuleSource? ModulesOf(string tenantId, string flowId) => _modules.GetValueOrDefault((tenantId, flowId));

    /// <summary>
    /// The flow's modules as of its latest <see cref="PrepareAsync"/>: a hot reload that names another module
    /// (or a newer version) prepares again, and the pump's new handlers see it without a restart.
    /// </summary>
    private sealed class LiveModules(EngineFlowServicesFactory owner, string tenantId, string flowId) : IWasmModuleSource
    {
        public WasmModuleRecord? Find(string name, string? version) => owner.ModulesOf(tenantId, flowId)?.Find(name, version);
    }

    private sealed class FlowServices : IFlowServices
    {
        public required ISecretResolver Secrets { get; init; }
        public IProjectMemory? Memory { get; init; }
        public required IRunEventSink Events { get; init; }
        public required HttpClient Egress { get; init; }
        public required TimeProvider Time { get; init; }
        public required ITokenBudget Budget { get; init; }
        public IWasmModuleSource? Modules { get; init; }
        public required Func<WasmTierLimits> TierWasm { get; init; }
        public WasmTierLimits? WasmLimits => TierWasm();
        public required ISharedBackend SharedState { get; init; }
        public required Func<ParallelLimits> TierParallel { get; init; }
        public ParallelLimits? Parallel => TierParallel();
    }
}
