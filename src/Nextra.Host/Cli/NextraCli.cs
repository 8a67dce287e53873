using System.CommandLine;
using Microsoft.Extensions.Options;

namespace Nextra.Host.Cli;

/// <summary>The <c>nextra</c> command line (System.CommandLine 3).</summary>
internal static class NextraCli
{
    public static RootCommand Build(Func<WebApplicationBuilder, WebApplication> compose)
    {
        var context = new CliContext(compose);
        var root = new RootCommand("Nextra: build and run AI-agent message flows from one executable.")
        {
            context.Config,
            context.DataDir,
            ServeCommand.Create(context),
            MigrateCommand.Create(context),
            BackupCommands.Backup(context),
            BackupCommands.Restore(context),
            ClusterCommands.Create(context),
            VersionCommand.Create(),
            OpenApiCommand.Create(context),
            UserCommands.CreateUser(context),
            UserCommands.CreateApiKey(context),
            TenantCommands.Create(context),
            MarketplaceCommands.Create(context),
            PumpCommands.Validate(context),
            PumpCommands.Run(context),
        };
        // No command means serve; leftover --key=value tokens are host settings (WebApplicationFactory passes some).
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((parse, _) =>
        {
            var unmatched = parse.UnmatchedTokens.ToArray();
            if (unmatched.Any(t => !t.StartsWith("--", StringComparison.Ordinal)))
            {
                parse.InvocationConfiguration.Error.WriteLine($"Unknown command or argument: {string.Join(' ', unmatched)}. See nextra --help.");
                return Task.FromResult(2);
            }
            return ServeCommand.RunAsync(context, parse, urls: null, unmatched);
        });
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, Func<WebApplicationBuilder, WebApplication> compose)
    {
        var parse = Build(compose).Parse(args);
        try
        {
            // Signals belong to the generic host (graceful shutdown) or to the command that registers its own.
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (HostAbortedException)
        {
            throw; // test hosts (WebApplicationFactory) stop the entry point this way after capturing the app
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ArgumentException or OptionsValidationException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }
}
