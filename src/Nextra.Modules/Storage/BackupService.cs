using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Nextra.Modules.Storage;

/// <summary>Scheduled backups (<c>[storage] backup_interval_hours</c>, <c>backup_keep</c>) into <c>{data_dir}/backups/</c>.</summary>
internal sealed class BackupService(BackupArchive archive, IOptions<StorageOptions> options, TimeProvider time, ILogger<BackupService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.BackupIntervalHours <= 0 || o.IsPostgres) return;
        using var timer = new PeriodicTimer(TimeSpan.FromHours(o.BackupIntervalHours), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One scheduled backup, then prunes to <c>backup_keep</c> archives.</summary>
    internal async Task<string?> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var dir = Path.Combine(Path.GetFullPath(o.DataDir), "backups");
        var path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"nextra-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}.tar.gz"));
        try
        {
            await archive.CreateAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Scheduled backup failed; retried at the next interval");
            return null;
        }
        foreach (var old in Directory.GetFiles(dir, "nextra-*.tar.gz").OrderDescending(StringComparer.Ordinal).Skip(Math.Max(1, o.BackupKeep)))
        {
            File.Delete(old);
        }
        return path;
    }
}
