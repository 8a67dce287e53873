using Nextra.Pump.Config;

namespace Nextra.Modules.Flows.Validation;

/// <summary>
/// Checks an organism.yaml before it is stored. The Flows module's default (tried) only parses YAML; the Engine
/// module adds the pump's full validator (added, so it wins whichever module registers first).
/// </summary>
public interface IFlowValidator
{
    /// <summary>Every problem found (empty when valid), with 1-based line/column where known.</summary>
    /// <param name="tenantId">Whose flow it is: references to registered modules resolve within that tenant only.</param>
    Task<IReadOnlyList<ValidationProblem>> ValidateAsync(string tenantId, string organismYaml, CancellationToken ct);

    /// <summary>What is valid but likely not meant (never refuses a save), with lines; none by default.</summary>
    Task<IReadOnlyList<ValidationProblem>> WarnAsync(string tenantId, string organismYaml, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ValidationProblem>>([]);
}
