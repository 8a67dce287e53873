using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Flows.Validation;
using Nextra.Modules.WasmModules;
using Nextra.Pump.Config;

namespace Nextra.Modules.Engine;

/// <summary>
/// Validates flows on save with the pump's own loader: the same located, coded problems as
/// <c>nextra validate</c>. Code blocks naming a registered module are checked against the
/// saving tenant's registry (and only theirs).
/// </summary>
internal sealed class PumpFlowValidator(EngineKinds kinds, IServiceProvider services) : IFlowValidator
{
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
        return FlowLoader.Load(organismYaml, registry).Problems;
    }
}
