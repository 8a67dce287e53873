using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Nextra.Modules.Alerts;

/// <summary>
/// Sends the deliveries the store queued with each transition, on whichever instance claims them first. A failure is
/// written on the delivery (<c>GET /api/alerts/deliveries</c>) and retried with a doubling backoff (2 s … 5 min) up to
/// <c>[alerts] delivery_attempts</c>; then the delivery is <c>failed</c>.
/// </summary>
public sealed class AlertNotifier(IAlertStore store, AlertSender sender, IOptions<AlertsOptions> options, TimeProvider time,
    ILogger<AlertNotifier> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(0.05, options.Value.DeliveryPollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, time, stoppingToken).ConfigureAwait(false);
                await SendDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Alert notifications not sent this round");
            }
        }
    }

    /// <summary>Sends every due delivery once.</summary>
    public async Task SendDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var due in await store.ClaimDueAsync(now, now + Lease, 20, ct).ConfigureAwait(false))
        {
            string? error = null;
            try
            {
                var alert = await store.GetAsync(due.TenantId, due.AlertId, ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("the alert no longer exists");
                var channel = await store.GetChannelAsync(due.TenantId, due.Channel, ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"the channel '{due.Channel}' was deleted");
                await sender.SendAsync(due.TenantId, channel, alert, due.State, now, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                error = ex.Message;
            }
            DateTimeOffset? retryAt = null;
            if (error is not null)
            {
                if (due.Attempts < options.Value.DeliveryAttempts)
                    retryAt = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(300, 2 * Math.Pow(2, due.Attempts - 1)));
                logger.LogWarning("Alert delivery {DeliveryId} to channel {Channel} failed (attempt {Attempt}): {Error}", due.Id, due.Channel, due.Attempts, error);
            }
            await store.FinishDeliveryAsync(due.TenantId, due.Id, time.GetUtcNow(), error, retryAt, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
