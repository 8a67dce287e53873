using System.CommandLine;
using Nextra.Modules.Storage;

namespace Nextra.Host.Cli;

/// <summary><c>nextra migrate</c>: apply pending migrations and exit.</summary>
internal static class MigrateCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("migrate", "Apply pending database migrations and exit");
        command.SetAction(async (parse, ct) =>
        {
            var app = context.Compose(NextraApp.CreateBuilder([], context.Configuration(parse), cli: true));
            await using (app)
            {
                var report = await app.Services.GetRequiredService<IMigrationRunner>().ApplyAsync(ct);
                foreach (var backup in report.Backups)
                {
                    parse.InvocationConfiguration.Output.WriteLine($"backup {backup}");
                }
                foreach (var m in report.Applied)
                {
                    parse.InvocationConfiguration.Output.WriteLine($"applied {m.Module} {m.Version:D4} {m.Name}");
                }
                parse.InvocationConfiguration.Output.WriteLine(report.Applied.Count == 0 ? "up to date" : $"{report.Applied.Count} applied");
            }
            return 0;
        });
        return command;
    }
}
