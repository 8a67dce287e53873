using Nextra.Modules.Flows.Validation;
using Nextra.Modules.Secrets;
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
internal sealed class PumpFlowValidator(EngineKinds kinds, ITierLimits tiers, ITenantModuleSources modules, ISecretResolverFactory secrets) : IFlowValidator
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
        if (tier.WasmModules is { } allowed and > 0 && names.Count > 0)
        {
            // After a downgrade the modules above the tier's wasm_modules stay stored, but new saves cannot use them.
            var byAge = await modules.NamesByAgeAsync(tenantId, ct);
            var over = byAge.Skip((int)Math.Min(allowed, int.MaxValue)).ToHashSet(StringComparer.Ordinal);
            if (over.Count > 0)
            {
                var kept = string.Join(", ", byAge.Take((int)Math.Min(allowed, int.MaxValue)));
                problems = problems.Concat(ModuleReferences.Locate(organismYaml).Where(r => over.Contains(r.Name)).Select(r => new ValidationProblem(r.Line, r.Column,
                    OverPlanLimit, $"module '{r.Name}' is over the plan limit: the {tier.Name} tier allows {allowed} WASM module{(allowed == 1 ? "" : "s")} (wasm_modules) and " +
                    $"this workspace has {byAge.Count}; flows can use the first uploaded ({kept}). Upgrade the plan (Settings → Billing), or delete modules you no longer need; nothing was deleted.")));
            }
        }
        return [.. problems];
    }

    /// <summary>A flow names a module above the tier's <c>wasm_modules</c> (after a downgrade).</summary>
    public const string OverPlanLimit = "over_plan_limit";

    public const string MissingSecret = "missing_secret";

    public async Task<IReadOnlyList<ValidationProblem>> WarnAsync(string tenantId, string organismYaml, CancellationToken ct)
    {
        // Warnings look at the flow's shape (the registry does not matter for them) and at the tenant's secrets.
        var flow = FlowLoader.Load(organismYaml, kinds.Registry).Flow;
        if (flow is null) return [];
        var warnings = new List<ValidationProblem>(FlowWarnings.Find(flow));
        if (flow.Llm is { } llm)
        {
            var resolver = secrets.For(tenantId);
            foreach (var b in llm.Backends)
            {
                if (b.ApiKeySecret is { } name && string.IsNullOrEmpty(await resolver.GetAsync(name, ct)))
                {
                    warnings.Add(new ValidationProblem(b.Line, b.Column, MissingSecret,
                        $"llm backend '{b.Name ?? b.Provider}' reads its key from secret '{name}', which this workspace does not have: add it in Settings → Secrets (or use provider: mock to try the flow offline)"));
                }
            }
        }
        return warnings;
    }
}
