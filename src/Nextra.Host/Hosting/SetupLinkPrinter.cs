using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Nextra.Host.Configuration;
using Nextra.Modules.Accounts;

namespace Nextra.Host.Hosting;

/// <summary>
/// Once the server listens on a data dir without users, prints the one-time setup link to the
/// console (plainly, not only in the JSON log) so the person can create the owner account.
/// </summary>
internal sealed class SetupLinkPrinter(
    IHostApplicationLifetime lifetime,
    IServer server,
    AccountService accounts,
    SetupTokens tokens,
    IConfiguration configuration,
    ILogger<SetupLinkPrinter> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // ApplicationStarted fires after every hosted service (migrations included) and after Kestrel binds.
        lifetime.ApplicationStarted.Register(() => _ = PrintAsync(lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task PrintAsync(CancellationToken ct)
    {
        try
        {
            if (!await accounts.SetupNeededAsync(ct))
            {
                return;
            }
            var link = $"{BaseUrl()}/setup?token={tokens.Issue()}";
            logger.LogInformation("No account yet; setup link issued");
            await Console.Out.WriteLineAsync($"Nextra is running. Create the owner account (one-time link): {link}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not issue the setup link");
        }
    }

    private string BaseUrl()
    {
        var configured = configuration[ConfigKeys.PublicUrl];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.TrimEnd('/');
        }
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? NextraDefaults.Urls;
        // A wildcard bind is not a URL a browser can open.
        return address.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .TrimEnd('/');
    }
}
