namespace Nextra.Pump.Headless;

/// <summary>
/// The engine side of <c>nextra validate</c> and <c>nextra run</c>; the Host's CLI only parses
/// arguments and calls these. Exit codes: 0 ok, 1 problems / run not succeeded, 2 usage.
/// </summary>
public static class PumpCli
{
    /// <summary>Prints <c>FILE:LINE:COL: CODE: message</c> per problem to <paramref name="stdout"/>; 0 when valid.</summary>
    public static int Validate(string path, IEnumerable<Handlers.IHandlerFactory> extraKinds, TextWriter stdout, TextWriter stderr)
    {
        _ = extraKinds;
        _ = stdout;
        stderr.WriteLine($"validate {path}: the pump is not built yet");
        return 2;
    }

    /// <summary>Runs the flow headless, injects one payload, prints the run object as JSON.</summary>
    public static Task<int> RunAsync(string path, string inject, string? to, string? payloadClass, double? timeoutSeconds,
        IEnumerable<Handlers.IHandlerFactory> extraKinds, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        _ = (inject, to, payloadClass, timeoutSeconds, extraKinds, stdout, ct);
        stderr.WriteLine($"run {path}: the pump is not built yet");
        return Task.FromResult(2);
    }
}
