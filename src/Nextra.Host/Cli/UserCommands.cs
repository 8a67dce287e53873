using System.CommandLine;
using Nextra.Modules.Accounts;
using Nextra.Modules.Common;

namespace Nextra.Host.Cli;

/// <summary><c>nextra user create</c> and <c>nextra apikey create</c>; safe while a server uses the same data dir (WAL).</summary>
internal static class UserCommands
{
    public static Command CreateUser(CliContext context)
    {
        var email = new Option<string>("--email") { Description = "Email (the login name)", Required = true };
        var password = new Option<string>("--password") { Description = "Password", Required = true };
        var tenant = new Option<string?>("--tenant") { Description = $"Tenant name; created when missing (default: {AccountService.DefaultTenantName})" };
        var role = new Option<string?>("--role") { Description = "owner|admin|editor|viewer (default: owner for a new tenant, editor otherwise)" };
        role.AcceptOnlyFromAmong("owner", "admin", "editor", "viewer");
        var tier = new Option<string?>("--tier") { Description = "Tier of the tenant when this creates it (default: [tiers] default_tier); see nextra tenant set-tier" };
        var create = new Command("create", "Create a user") { email, password, tenant, role, tier };
        create.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            Role? parsed = Roles.TryParse(parse.GetValue(role), out var r) ? r : null;
            var user = await app.Services.GetRequiredService<AccountService>()
                .CreateUserAsync(parse.GetValue(email), parse.GetValue(password), parse.GetValue(tenant), parsed, parse.GetValue(tier), ct);
            parse.InvocationConfiguration.Output.WriteLine(
                $"created user {user.Email} ({user.Role.ToWire()}) in tenant '{user.TenantName}' id={user.UserId}");
        }));
        return new Command("user", "Manage users") { create };
    }

    public static Command CreateApiKey(CliContext context)
    {
        var email = new Option<string>("--email") { Description = "Owner of the key", Required = true };
        var name = new Option<string?>("--name") { Description = "Label shown in the key list (default: default)" };
        var create = new Command("create", "Create an API key; prints the key alone on the last line") { email, name };
        create.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var (row, key) = await app.Services.GetRequiredService<ApiKeyService>()
                .CreateForEmailAsync(parse.GetValue(email)!, parse.GetValue(name), ct);
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"created API key '{row.Name}' ({row.Prefix}…) for {parse.GetValue(email)}; it is shown only once:");
            output.WriteLine(key);
        }));
        return new Command("apikey", "Manage API keys") { create };
    }
}
