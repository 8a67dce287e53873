using Nextra.Modules.Flows.Validation;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;

namespace Nextra.Modules.Engine;

/// <summary>Validates flows on save with the pump's own loader: the same located, coded problems as <c>nextra validate</c>.</summary>
internal sealed class PumpFlowValidator(HandlerRegistry registry) : IFlowValidator
{
    public Task<IReadOnlyList<ValidationProblem>> ValidateAsync(string organismYaml, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var result = FlowLoader.Load(organismYaml, registry);
        return Task.FromResult(result.Problems);
    }
}
