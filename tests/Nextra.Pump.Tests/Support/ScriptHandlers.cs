using Nextra.Pump.Handlers;

namespace Nextra.Pump.Tests.Support;

/// <summary>
/// A handler kind ("script") whose behaviour per listener is a C# delegate: the test's stand-in for
/// llm/http/code handlers, so the pump (the thing under test) runs for real around it.
/// </summary>
public sealed class ScriptFactory(string kind = "script") : IHandlerFactory
{
    private readonly Dictionary<string, Func<HandlerContext, CancellationToken, ValueTask<HandlerResult>>> _scripts = new(StringComparer.Ordinal);

    public string Kind { get; } = kind;

    public ScriptFactory On(string listener, Func<HandlerContext, CancellationToken, ValueTask<HandlerResult>> script)
    {
        _scripts[listener] = script;
        return this;
    }

    public ScriptFactory On(string listener, Func<HandlerContext, HandlerResult> script) =>
        On(listener, (ctx, _) => new ValueTask<HandlerResult>(script(ctx)));

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context) => [];

    public IHandler Create(HandlerCreateContext context) =>
        new ScriptHandler(_scripts.TryGetValue(context.Listener.Name, out var s) ? s : (_, _) => new ValueTask<HandlerResult>(HandlerResult.End));

    private sealed class ScriptHandler(Func<HandlerContext, CancellationToken, ValueTask<HandlerResult>> script) : IHandler
    {
        public ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct) => script(context, ct);
    }
}

/// <summary>Accepts any config: lets examples written for kinds other helpers build validate here.</summary>
public sealed class PermissiveFactory(string kind) : IHandlerFactory
{
    public string Kind { get; } = kind;

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context) => [];

    public IHandler Create(HandlerCreateContext context) => OutputHandler.Instance;
}
