using System.Text.Json;
using System.Text.Json.Nodes;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runtime;

namespace Nextra.Pump.Headless;

/// <summary>
/// The engine side of <c>nextra validate</c> and <c>nextra run</c>; the Host's CLI only parses
/// arguments and calls these. Exit codes: 0 ok, 1 problems / run not succeeded, 2 usage.
/// </summary>
public static class PumpCli
{
    /// <summary>Prints <c>FILE:LINE:COL: CODE: message</c> per problem to <paramref name="stdout"/>; 0 when valid.</summary>
    public static int Validate(string path, IEnumerable<IHandlerFactory> extraKinds, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (string.IsNullOrWhiteSpace(path))
        {
            stderr.WriteLine("usage: nextra validate FILE");
            return 2;
        }
        var result = FlowLoader.LoadFile(path, new HandlerRegistry(extraKinds));
        foreach (var p in result.Problems)
        {
            stdout.WriteLine($"{path}:{p.Line}:{p.Column}: {p.Code}: {p.Message}");
        }
        return result.Ok ? 0 : 1;
    }

    /// <summary>Runs the flow headless, injects one payload, prints the run object as JSON.</summary>
    public static Task<int> RunAsync(string path, string inject, string? to, string? payloadClass, double? timeoutSeconds,
        IEnumerable<IHandlerFactory> extraKinds, TextWriter stdout, TextWriter stderr, CancellationToken ct) =>
        RunAsync(path, inject, to, payloadClass, timeoutSeconds, extraKinds, flow => new LocalFlowServices(flow), stdout, stderr, ct);

    /// <summary>As above, with the host's services (e.g. <see cref="LocalFlowServices"/> built around the guarded egress client).</summary>
    public static async Task<int> RunAsync(string path, string inject, string? to, string? payloadClass, double? timeoutSeconds,
        IEnumerable<IHandlerFactory> extraKinds, Func<FlowDefinition, IFlowServices> services, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (string.IsNullOrWhiteSpace(path) || string.IsNullOrWhiteSpace(inject))
        {
            stderr.WriteLine("usage: nextra run FILE --inject XML_OR_JSON [--to LISTENER] [--payload CLASS] [--timeout SECONDS]");
            return 2;
        }
        if (timeoutSeconds is <= 0 or > 7 * 24 * 3600)
        {
            stderr.WriteLine("--timeout must be a positive number of seconds");
            return 2;
        }
        var registry = new HandlerRegistry(extraKinds);
        var loaded = FlowLoader.LoadFile(path, registry);
        if (loaded.Flow is null)
        {
            foreach (var p in loaded.Problems)
            {
                stderr.WriteLine($"{path}:{p.Line}:{p.Column}: {p.Code}: {p.Message}");
            }
            return 1;
        }
        var injection = new Injection
        {
            Target = to,
            PayloadClass = payloadClass,
            Source = "cli",
            Timeout = timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
        };
        var text = inject.TrimStart();
        if (text.StartsWith('['))
        {
            stderr.WriteLine("--inject: JSON must be an object");
            return 2;
        }
        if (text.StartsWith('{'))
        {
            JsonObject? json;
            try
            {
                json = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException ex)
            {
                stderr.WriteLine($"--inject: not valid JSON: {ex.Message}");
                return 2;
            }
            if (json is null)
            {
                stderr.WriteLine("--inject: JSON must be an object");
                return 2;
            }
            injection = injection with { PayloadJson = json };
        }
        else
        {
            injection = injection with { PayloadXml = inject };
        }

        try
        {
            await using var pump = new StreamPump(loaded.Flow, registry, services(loaded.Flow));
            await pump.StartAsync(ct).ConfigureAwait(false);
            var handle = await pump.InjectAsync(injection, ct).ConfigureAwait(false);
            var record = await handle.Completion.WaitAsync(ct).ConfigureAwait(false);
            stdout.WriteLine(JsonSerializer.Serialize(record, RunJsonContext.Readable.RunRecord));
            return record.Status == "succeeded" ? 0 : 1;
        }
        catch (PumpException ex)
        {
            stderr.WriteLine($"{ex.Code}: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stderr.WriteLine("cancelled");
            return 1;
        }
    }
}
