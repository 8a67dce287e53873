using Nextra.Pump.Config;

namespace Nextra.Modules.Orchestration;

/// <summary>Turns organism.yaml into a validated definition with the host's handler kinds.</summary>
public interface IFlowCompiler
{
    FlowCompilation Compile(string organismYaml);
}

/// <summary>The definition when valid, and every problem found.</summary>
public sealed record FlowCompilation(FlowDefinition? Flow, IReadOnlyList<ValidationProblem> Problems);
