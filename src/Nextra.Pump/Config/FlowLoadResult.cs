namespace Nextra.Pump.Config;

/// <summary>The outcome of loading a flow: the definition when there were no problems, and every problem found.</summary>
public sealed class FlowLoadResult
{
    public FlowDefinition? Flow { get; init; }
    public required IReadOnlyList<ValidationProblem> Problems { get; init; }
    public bool Ok => Flow is not null && Problems.Count == 0;
}
