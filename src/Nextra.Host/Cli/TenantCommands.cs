using System.CommandLine;
using Nextra.Modules.Common;
using Nextra.Modules.Tiers;

namespace Nextra.Host.Cli;

/// <summary>
/// <c>nextra tenant set-tier</c> and <c>nextra tenant list</c>; safe while a server uses the same data dir
/// (a running server picks a changed tier up within <c>[tiers] cache_seconds</c>).
/// </summary>
internal static class TenantCommands
{
    public static Command Create(CliContext context)
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant name (or id)", Required = true };
        var tier = new Option<string>("--tier") { Description = "A configured tier (free, paid, pro, enterprise…), or 'default' to follow [tiers] default_tier", Required = true };
        var setTier = new Command("set-tier", "Move a tenant to another tier") { tenant, tier };
        setTier.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var tiers = app.Services.GetRequiredService<TierService>();
            var id = await tiers.SetTierAsync(parse.GetValue(tenant)!, parse.GetValue(tier), ct);
            var effective = (await tiers.ListTenantsAsync(ct)).First(t => t.Id == id);
            await app.Services.GetRequiredService<Nextra.Modules.Common.IAuditLog>().RecordAsync(new Nextra.Modules.Common.AuditRecord(id,
                new Nextra.Modules.Common.AuditActor(null, Environment.UserName, Nextra.Modules.Common.AuditVia.Cli), "tenant.tier", effective.Name,
                "tier=" + effective.Tier), ct);
            parse.InvocationConfiguration.Output.WriteLine($"tenant '{effective.Name}' ({id}) is now on tier {effective.Tier}");
        }));

        var list = new Command("list", "List tenants: name, tier, users, flows, id");
        list.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var rows = await app.Services.GetRequiredService<TierService>().ListTenantsAsync(ct);
            var output = parse.InvocationConfiguration.Output;
            var width = Math.Max(4, rows.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
            output.WriteLine($"{"NAME".PadRight(width)}  {"TIER",-10}  {"USERS",5}  {"FLOWS",5}  ID");
            foreach (var r in rows)
                output.WriteLine($"{r.Name.PadRight(width)}  {r.Tier,-10}  {r.Users,5}  {r.Flows,5}  {r.Id}");
        }));
        return new Command("tenant", "Manage tenants and their tiers") { setTier, list };
    }
}
