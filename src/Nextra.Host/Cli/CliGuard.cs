using System.CommandLine;
using Nextra.Modules.Common;

namespace Nextra.Host.Cli;

/// <summary>Runs a command's action; a refusal from a module (<see cref="ApiException"/>) becomes one error line and exit code 1.</summary>
internal static class CliGuard
{
    public static async Task<int> GuardAsync(ParseResult parse, Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (ApiException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {ex.Detail ?? ex.Message}");
            return 1;
        }
    }
}
