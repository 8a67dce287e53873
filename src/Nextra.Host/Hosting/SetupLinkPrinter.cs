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
            var terminal = !Console.IsOutputRedirected;
            if (!await accounts.SetupNeededAsync(ct))
            {
                if (terminal) await Console.Out.WriteLineAsync(Ready(BaseUrl(), terminal));
                return;
            }
            var link = $"{BaseUrl()}/setup?token={await tokens.IssueAsync(ct)}";
            logger.LogInformation("No account yet; setup link issued");
            await Console.Out.WriteLineAsync(Format(link, terminal));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not issue the setup link");
        }
    }

    /// <summary>
    /// The setup link as printed: one plain line when the output goes to a file or a pipe (scripts and
    /// tests read it), a highlighted block set apart from the JSON log lines on a terminal.
    /// </summary>
    internal static string Format(string link, bool terminal)
    {
        if (!terminal) return $"Nextra is running. Create the owner account (one-time link): {link}";
        var rule = new string('─', Math.Max(48, link.Length + 4));
        return string.Join('\n',
            "",
            $"\u001b[1;32m╭{rule}╮\u001b[0m",
            "\u001b[1;32m│\u001b[0m  \u001b[1mNextra is ready.\u001b[0m Open this one-time link to create the owner account:",
            $"\u001b[1;32m│\u001b[0m  \u001b[1;4;36m{link}\u001b[0m",
            $"\u001b[1;32m╰{rule}╯\u001b[0m",
            "");
    }

    internal static string Ready(string baseUrl, bool terminal) =>
        terminal ? $"\u001b[1;32mNextra is ready:\u001b[0m {baseUrl}" : $"Nextra is ready: {baseUrl}";

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
