using Nextra.Modules.Flows.Validation;
using Nextra.Modules.Tiers;
using Nextra.Pump.Config;

namespace Nextra.Modules.Engine;

/// <summary>
/// Validates flows on save with the pump's own loader: the same located, coded problems as
/// <c>nextra validate</c>. Code blocks naming a registered module are checked against the
/// saving tenant's registry (and only theirs); on a tier that allows no WASM modules, every code
/// block (inline <c>wat:</c>/<c>source:</c> included) is a <c>code_needs_tier</c> problem; a <c>fanout</c> list wider
/// than the tier's <c>max_parallel_branches</c> is a <c>too_many_branches</c> problem.
/// </summary>
internal sealed class PumpFlowValidator(EngineKinds kinds, ITierLimits tiers, ITenantModuleSources modules) : IFlowValidator
{
    public const string CodeNeedsTier = "code_needs_tier";

    public async Task<IReadOnlyList<ValidationProblem>> ValidateAsync(string tenantId, string organismYaml, CancellationToken ct)
    {
        var registry = kinds.Registry;
        var names = ModuleReferences.Names(organismYaml);
        if (names.Count > 0)
            registry = kinds.RegistryFor(await modules.ForTenantAsync(tenantId, names, ct));
        var result = FlowLoader.Load(organismYaml, registry);
        var tier = await tiers.ForTenantAsync(tenantId, ct);
        if (result.Flow is null)
            return result.Problems;
        var branches = tier.Parallel.MaxBranches;
        IEnumerable<ValidationProblem> problems = result.Problems;
        // A fan-out wider than the tier allows would fail every run (too_many_branches): refuse it on save instead.
        problems = problems.Concat(result.Flow.Listeners.Where(l => l.Fanout.Count > branches).Select(l => new ValidationProblem(l.Line, l.Column,
            "too_many_branches", $"listener '{l.Name}' fans out to {l.Fanout.Count} listeners; the {tier.Name} tier runs at most {branches} branches in parallel (max_parallel_branches)")));
        if (!tier.AllowsCode)
        {
            var hint = Quota.CodeTierHint(tiers.Options);
            problems = problems.Concat(result.Flow.Listeners.Where(l => l.Handler == "code").Select(l => new ValidationProblem(l.Line, l.Column, CodeNeedsTier,
                $"listener '{l.Name}': custom code needs {hint}; the {tier.Name} tier allows no code blocks (nextra tenant set-tier)")));
        }
        return [.. problems];
    }

    public Task<IReadOnlyList<ValidationProblem>> WarnAsync(string tenantId, string organismYaml, CancellationToken ct)
    {
        // Warnings look at the flow's shape only; the registry does not matter for them.
        var flow = FlowLoader.Load(organismYaml, kinds.Registry).Flow;
        return Task.FromResult(flow is null ? (IReadOnlyList<ValidationProblem>)[] : FlowWarnings.Find(flow));
    }
}
