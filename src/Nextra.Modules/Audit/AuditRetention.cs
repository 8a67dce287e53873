using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Audit.Stores;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Audit;

/// <summary>Deletes each tenant's audit entries older than its tier's <c>audit_days</c>, hourly (the only way entries leave).</summary>
internal sealed class AuditRetention(IAuditStore store, ITierLimits tiers, TimeProvider time, ILogger<AuditRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            do
            {
                try
                {
                    await ApplyAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Audit retention pass failed; retried next hour");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass; returns the entries deleted.</summary>
    internal async Task<int> ApplyAsync(CancellationToken ct)
    {
        await tiers.RefreshAsync(ct);
        var now = time.GetUtcNow();
        var deleted = 0;
        // The shortest configured retention bounds which tenants can have anything to delete.
        var shortest = tiers.Options.Tiers.Values.Select(t => t.AuditDays ?? double.MaxValue).Min();
        if (shortest >= 36_500) return 0;
        foreach (var tenant in await store.TenantsWithEntriesBeforeAsync(SqliteCommands.Iso(now.AddDays(-shortest)), ct))
        {
            if (tiers.ForTenant(tenant).AuditDays is not { } days) continue;
            deleted += await store.DeleteBeforeAsync(tenant, SqliteCommands.Iso(now.AddDays(-days)), ct);
        }
        if (deleted > 0) logger.LogInformation("Audit retention deleted {Count} entries", deleted);
        return deleted;
    }
}
