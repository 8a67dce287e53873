using System.CommandLine;
using Nextra.Modules.Storage;

namespace Nextra.Host.Cli;

/// <summary><c>nextra backup</c> (online, while a server runs) and <c>nextra restore</c> (into a directory no server holds).</summary>
internal static class BackupCommands
{
    public static Command Backup(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "Archive to write (.tar.gz): every database, consistent, and the secrets key", Required = true };
        var command = new Command("backup", "Take an online, consistent backup of the data directory into one archive") { output };
        command.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var path = Path.GetFullPath(parse.GetValue(output)!);
            var entries = await app.Services.GetRequiredService<BackupArchive>().CreateAsync(path, ct);
            parse.InvocationConfiguration.Output.WriteLine($"backup {path}: {string.Join(", ", entries)}");
        }));
        return command;
    }

    public static Command Restore(CliContext context)
    {
        var archive = new Argument<string>("archive") { Description = "An archive written by nextra backup" };
        var force = new Option<bool>("--force") { Description = "Overwrite the databases of a data directory that has some (never one a server holds)" };
        var command = new Command("restore", "Restore a backup archive into the data directory (--data-dir); refused while a server holds it") { archive, force };
        command.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            var config = context.Configuration(parse);
            var dataDir = config[Configuration.ConfigKeys.DataDir] is { Length: > 0 } dir ? dir : "nextra_data";
            var restored = await BackupArchive.RestoreAsync(parse.GetValue(archive)!, dataDir, parse.GetValue(force), ct);
            parse.InvocationConfiguration.Output.WriteLine($"restored {string.Join(", ", restored)} into {Path.GetFullPath(dataDir)}");
        }));
        return command;
    }
}
