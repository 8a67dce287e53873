using System.CommandLine;
using System.Reflection;

namespace Nextra.Host.Cli;

/// <summary><c>nextra version</c>.</summary>
internal static class VersionCommand
{
    public static string Version =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionCommand).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    public static Command Create()
    {
        var command = new Command("version", "Print the version");
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.WriteLine($"nextra {Version}");
            return 0;
        });
        return command;
    }
}
