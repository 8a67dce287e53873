namespace Nextra.Pump.Handlers;

/// <summary>
/// A listener's behaviour. One instance per listener per running pump; it may be called
/// concurrently (up to the pump's caps), so keep per-call state in locals.
/// </summary>
public interface IHandler
{
    /// <summary>
    /// Handle one payload. Return <see cref="HandlerResult.End"/> to end the chain, or emissions.
    /// Throw <see cref="HandlerException"/> for a coded step error; any other exception becomes
    /// a step error with code <c>handler_crashed</c>. Honour <paramref name="ct"/>: it fires on the
    /// listener timeout, on run cancellation and on pump stop.
    /// </summary>
    ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct);
}

/// <summary>Creates handlers of one kind (<c>handler: KIND</c> in YAML) and validates their config.</summary>
public interface IHandlerFactory
{
    /// <summary>The YAML handler kind this factory serves, e.g. "llm".</summary>
    string Kind { get; }

    /// <summary>Checks a listener's config; report each problem (code + message) without throwing.</summary>
    IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context);

    /// <summary>Builds the handler for a listener of a validated flow (may compile, connect, cache).</summary>
    IHandler Create(HandlerCreateContext context);
}

/// <summary>A config problem; <see cref="Key"/> is the config key it concerns (for locating it; <c>/peers</c> names a listener key), or null.</summary>
public sealed record HandlerConfigProblem(string Code, string Message, string? Key = null);

/// <summary>Thrown by handlers for errors that carry a stable code (e.g. <c>egress_blocked</c>).</summary>
public class HandlerException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
    /// <summary>Usage to record on the failed step (e.g. fuel burnt before a trap).</summary>
    public StepUsage? Usage { get; init; }
}
