namespace Nextra.Pump.Handlers.Parallel;

/// <summary>
/// <c>handler: fanout</c> with <c>config: {fanout: [a, b, c]}</c>: passes its payload on unchanged; the pump
/// sends it to each listed listener at once, as the branches of one fan-out (the key works on every kind; this
/// kind only has no other behaviour). The canvas calls it Parallel.
/// </summary>
public sealed class FanoutHandler : IHandler
{
    public static FanoutHandler Instance { get; } = new();

    public ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct) => new(HandlerResult.Respond(context.Payload));
}

public sealed class FanoutHandlerFactory : IHandlerFactory
{
    public string Kind => "fanout";

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context)
    {
        if (context.Listener.Fanout.Count == 0)
        {
            yield return new HandlerConfigProblem("missing_field", "a fanout listener needs config: {fanout: [a, b, …]} naming the listeners to send to at once", "fanout");
        }
        foreach (var (key, _) in context.Listener.Config ?? [])
        {
            yield return new HandlerConfigProblem("unknown_key", $"unknown fanout config key '{key}' (known: fanout)", key);
        }
    }

    public IHandler Create(HandlerCreateContext context) => FanoutHandler.Instance;
}
