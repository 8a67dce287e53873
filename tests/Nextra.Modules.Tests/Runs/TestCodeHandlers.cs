using Nextra.Pump.Handlers;

namespace Nextra.Modules.Tests.Runs;

/// <summary>
/// A <c>handler: code</c> kind for tests: <c>config: {mode: hang}</c> waits until cancelled,
/// <c>{mode: slow, ms: N}</c> takes N ms, <c>{mode: crash}</c> throws; then forwards to <c>to</c>.
/// </summary>
internal sealed class TestCodeFactory : IHandlerFactory
{
    public string Kind => "code";
    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context) => [];
    public IHandler Create(HandlerCreateContext context) => new Handler(
        context.Listener.Config?["mode"]?.GetValue<string>() ?? "echo",
        (int)(context.Listener.Config?["ms"]?.GetValue<long>() ?? 0),
        context.Listener.Config?["to"]?.GetValue<string>());

    private sealed class Handler(string mode, int ms, string? to) : IHandler
    {
        public async ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct)
        {
            switch (mode)
            {
                case "hang": await Task.Delay(Timeout.Infinite, ct); break;
                case "slow": await Task.Delay(ms, ct); break;
                case "crash": throw new InvalidOperationException("boom");
            }
            return to is null ? HandlerResult.End : HandlerResult.Forward(new System.Xml.Linq.XElement(context.Payload), to);
        }
    }
}
