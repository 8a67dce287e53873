using System.CommandLine;
using System.Runtime.InteropServices;
using Nextra.Pump.Handlers;
using Nextra.Pump.Headless;

namespace Nextra.Host.Cli;

/// <summary><c>nextra validate FILE</c> and <c>nextra run FILE …</c>: argument parsing only; the pump does the work.</summary>
internal static class PumpCommands
{
    // Handler kinds that live outside the pump (plugins, modules) join here once they exist.
    private static readonly IHandlerFactory[] ExtraKinds = [];

    public static Command Validate()
    {
        var file = new Argument<string>("FILE") { Description = "organism.yaml to check" };
        var command = new Command("validate", "Validate a flow file; prints FILE:LINE:COL: CODE: message per problem") { file };
        command.SetAction(parse => PumpCli.Validate(parse.GetValue(file)!, ExtraKinds,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public static Command Run()
    {
        var file = new Argument<string>("FILE") { Description = "organism.yaml to run" };
        var inject = new Option<string>("--inject") { Description = "Payload to inject: JSON object or XML", Required = true };
        var to = new Option<string?>("--to") { Description = "Target listener (default: the flow's entry)" };
        var payload = new Option<string?>("--payload") { Description = "Payload class name of the injected message" };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds to wait for the run to finish" };
        var command = new Command("run", "Run a flow headless with one injected payload; prints the run as JSON") { file, inject, to, payload, timeout };
        command.SetAction(async (parse, ct) =>
        {
            // The root invocation leaves signals to the host; a headless run stops on Ctrl+C/SIGTERM itself.
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cts.Cancel(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
            return await PumpCli.RunAsync(parse.GetValue(file)!, parse.GetValue(inject)!, parse.GetValue(to), parse.GetValue(payload),
                parse.GetValue(timeout), ExtraKinds, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cts.Token);
        });
        return command;
    }
}
