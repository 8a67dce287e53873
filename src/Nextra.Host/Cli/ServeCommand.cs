using System.CommandLine;
using Nextra.Host.Configuration;

namespace Nextra.Host.Cli;

/// <summary><c>nextra serve</c>: migrations, then the HTTP server until SIGTERM/Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var urls = new Option<string?>("--urls") { Description = $"Listen URLs, ';'-separated (default: {NextraDefaults.Urls})" };
        var command = new Command("serve", "Run the server (API, UI, flows)") { urls };
        command.SetAction((parse, _) => RunAsync(context, parse, parse.GetValue(urls), []));
        return command;
    }

    /// <summary>
    /// Also the root command's action, which receives host-style arguments (<c>--environment=…</c>)
    /// from test harnesses such as WebApplicationFactory.
    /// </summary>
    public static async Task<int> RunAsync(CliContext context, ParseResult parse, string? urls, string[] hostArgs)
    {
        // The server locks its data directory: a second server on it would recover the first one's runs.
        var config = context.Configuration(parse, new Dictionary<string, string?> { [ConfigKeys.Urls] = urls, ["Storage:LockDataDir"] = "true" });
        var app = context.Compose(NextraApp.CreateBuilder(hostArgs, config, cli: false));
        // The host handles SIGTERM/SIGINT itself (graceful drain); RunAsync returns once stopped.
        await app.RunAsync();
        return 0;
    }
}
