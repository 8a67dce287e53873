using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Accounts.Stores;

namespace Nextra.Modules.Accounts;

/// <summary>Deletes expired sessions hourly so the table stays bounded.</summary>
internal sealed class SessionSweeper(ISessionStore sessions, TimeProvider time, ILogger<SessionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var removed = await sessions.DeleteExpiredAsync(AccountService.Iso(time.GetUtcNow()), stoppingToken);
                if (removed > 0)
                {
                    logger.LogInformation("Removed {Count} expired sessions", removed);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }
}
