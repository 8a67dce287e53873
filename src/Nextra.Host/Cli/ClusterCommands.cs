using System.CommandLine;
using System.Globalization;
using Nextra.Modules.Orchestration;

namespace Nextra.Host.Cli;

/// <summary><c>nextra cluster status</c>: the instances of a hosted deployment, their heartbeats, partitions and running flows.</summary>
internal static class ClusterCommands
{
    public static Command Create(CliContext context)
    {
        var status = new Command("status", "Instances of the deployment (read from Postgres): heartbeat, partitions owned, running flows");
        status.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var instances = await app.Services.GetRequiredService<ClusterStatus>().ReadAsync(ct);
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"{"INSTANCE",-28}  {"STATE",-5}  {"HEARTBEAT",-20}  {"PARTS",5}  {"FLOWS",5}  PARTITIONS");
            foreach (var i in instances)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{i.InstanceId,-28}  {(i.Live ? "live" : "gone"),-5}  {i.HeartbeatAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  {i.Partitions.Count,5}  {i.Flows,5}  {string.Join(',', i.Partitions)}"));
            }
            if (instances.Count == 0) output.WriteLine("no instance has registered yet");
        }));
        return new Command("cluster", "Hosted mode: the deployment's instances") { status };
    }
}
