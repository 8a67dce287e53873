using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Flows.Validation;
using Nextra.Modules.Tiers;
using Nextra.Modules.WasmModules;
using Nextra.Pump.Config;

namespace Nextra.Modules.Engine;

/// <summary>
/// Validates flows on save with the pump's own loader: the same located, coded problems as
/// <c>nextra validate</c>. Code blocks naming a registered module are checked against the
/// saving tenant's registry (and only theirs); on a tier that allows no WASM modules, every code
/// block (inline <c>wat:</c>/<c>source:</c> included) is a <c>code_needs_tier</c> problem.
/// </summary>
internal sealed class PumpFlowValidator(EngineKinds kinds, ITierLimits tiers, IServiceProvider services) : IFlowValidator
{
    public const string CodeNeedsTier = "code_needs_tier";

    public async Task<IReadOnlyList<ValidationProblem>> ValidateAsync(string tenantId, string organismYaml, CancellationToken ct)
    {
        var registry = kinds.Registry;
        var names = ModuleReferences.Names(organismYaml);
        if (names.Count > 0)
        {
            // Resolved lazily: the module registry itself depends on the flows module (in-use checks).
            var modules = services.GetRequiredService<WasmModuleService>();
            registry = kinds.RegistryFor(await modules.SourceForTenantAsync(tenantId, names, ct));
        }
        var result = FlowLoader.Load(organismYaml, registry);
        var tier = await tiers.ForTenantAsync(tenantId, ct);
        if (tier.AllowsCode || result.Flow is null)
            return result.Problems;
        var hint = Quota.CodeTierHint(tiers.Options);
        return
        [
            .. result.Problems,
            .. result.Flow.Listeners.Where(l => l.Handler == "code").Select(l => new ValidationProblem(l.Line, l.Column, CodeNeedsTier,
                $"listener '{l.Name}': custom code needs {hint}; the {tier.Name} tier allows no code blocks (nextra tenant set-tier)")),
        ];
    }
}
