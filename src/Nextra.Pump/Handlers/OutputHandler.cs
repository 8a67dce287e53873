namespace Nextra.Pump.Handlers;

/// <summary>
/// <c>handler: output</c>: the payload becomes one of the run's outputs and the chain ends.
/// The pump records the output when it sees this handler; the handler itself only ends the chain.
/// </summary>
public sealed class OutputHandler : IHandler
{
    public static OutputHandler Instance { get; } = new();

    public ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct) => new(HandlerResult.End);
}

/// <summary>Factory of <see cref="OutputHandler"/>; takes no config.</summary>
public sealed class OutputHandlerFactory : IHandlerFactory
{
    public string Kind => "output";

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context)
    {
        if (context.Listener.Config is { Count: > 0 } config)
        {
            foreach (var (key, _) in config)
            {
                yield return new HandlerConfigProblem("unknown_key", $"output takes no config; remove '{key}'", key);
            }
        }
        if (context.Listener.Peers.Count > 0)
        {
            yield return new HandlerConfigProblem("invalid_value", "an output ends its chain; it cannot have peers");
        }
    }

    public IHandler Create(HandlerCreateContext context) => OutputHandler.Instance;
}
