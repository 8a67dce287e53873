using System.CommandLine;
using System.Runtime.InteropServices;
using Nextra.Host.Configuration;
using Nextra.Modules.Engine;
using Nextra.Pump.Headless;
using Nextra.Pump.Runtime;
using Nextra.Pump.Wasm;

namespace Nextra.Host.Cli;

/// <summary><c>nextra validate FILE</c> and <c>nextra run FILE …</c>: argument parsing only; the pump does the work.</summary>
internal static class PumpCommands
{
    // The same handler kinds the server offers (llm, http, code, dotnet), configured from nextra.toml / NEXTRA_*.
    // Code blocks' `module: NAME[@VERSION]` resolve from a `modules/` folder beside the flow file (NAME[@VER].wasm|.wat).
    private static EngineKinds Kinds(CliContext context, ParseResult parse, string flowFile)
    {
        var config = context.Configuration(parse);
        var modules = new DirectoryWasmModuleSource(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(flowFile))!, "modules"));
        return new EngineKinds(EngineSettings.From(config, config[ConfigKeys.DataDir] ?? "nextra_data"), modules);
    }

    public static Command Validate(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "organism.yaml to check" };
        var command = new Command("validate", "Validate a flow file; prints FILE:LINE:COL: CODE: message per problem") { file };
        command.SetAction(parse =>
        {
            using var kinds = Kinds(context, parse, parse.GetValue(file)!);
            return PumpCli.Validate(parse.GetValue(file)!, kinds.Factories,
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        });
        return command;
    }

    public static Command Run(CliContext context)
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
            using var kinds = Kinds(context, parse, parse.GetValue(file)!);
            return await PumpCli.RunAsync(parse.GetValue(file)!, parse.GetValue(inject)!, parse.GetValue(to), parse.GetValue(payload),
                parse.GetValue(timeout), kinds.Factories, flow => new LocalFlowServices(flow, kinds.Egress),
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cts.Token);
        });
        return command;
    }
}
