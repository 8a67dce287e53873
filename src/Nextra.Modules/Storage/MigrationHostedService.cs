using Microsoft.Extensions.Hosting;

namespace Nextra.Modules.Storage;

/// <summary>Runs migrations in StartAsync, which the host awaits before Kestrel starts listening.</summary>
internal sealed class MigrationHostedService(IMigrationRunner runner) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runner.ApplyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
