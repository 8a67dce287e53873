using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// <see cref="IFlowOwnership"/> of a single server (SQLite, a locked data directory): every partition is this
/// process's from start to stop. Each start takes a new epoch from a counter in <c>inbox.db</c>, so inbox rows
/// claimed by a previous run of the server (which crashed or stopped) are known to be free to claim again.
/// </summary>
internal sealed class EmbeddedFlowOwnership(ISqliteConnectionFactory db, IOptions<ClusterOptions> options, TimeProvider time,
    ILogger<EmbeddedFlowOwnership> logger) : IFlowOwnership
{
    private readonly ClusterOptions _options = options.Value;
    private readonly CancellationTokenSource _stop = new();
    private Task _announce = Task.CompletedTask;
    private long _epoch = -1;

    public string InstanceId => _options.ResolvedInstanceId;

    public int Partitions => _options.Partitions;

    public bool Exclusive => true;

    public int PartitionOf(string flowId) => FlowPartitions.Of(flowId, Partitions);

    public bool TryGetLease(string flowId, out LeaseFence fence)
    {
        var epoch = Volatile.Read(ref _epoch);
        fence = epoch < 0 ? LeaseFence.None : new LeaseFence(PartitionOf(flowId), epoch, InstanceId);
        return epoch >= 0;
    }

    public Task<PartitionOwner?> OwnerOfAsync(string flowId, CancellationToken ct)
    {
        var epoch = Volatile.Read(ref _epoch);
        return Task.FromResult(epoch < 0 ? null
            : new PartitionOwner(PartitionOf(flowId), InstanceId, epoch, DateTimeOffset.MaxValue, NullIfEmpty(_options.AdvertiseUrl)));
    }

    public async Task StartAsync(IOwnershipListener listener, CancellationToken ct)
    {
        await using (var c = await db.OpenAsync(Databases.Inbox, ct).ConfigureAwait(false))
        {
            var epoch = c.Scalar("""
                INSERT INTO ownership_epoch(id, epoch, started_at, instance) VALUES (1, 1, $at, $i)
                ON CONFLICT(id) DO UPDATE SET epoch = epoch + 1, started_at = excluded.started_at, instance = excluded.instance
                RETURNING epoch
                """, ("$at", SqliteCommands.Iso(time.GetUtcNow())), ("$i", InstanceId));
            Volatile.Write(ref _epoch, Convert.ToInt64(epoch, System.Globalization.CultureInfo.InvariantCulture));
        }
        // Restoring flows and recovering their inbox rows may take a while: the server listens meanwhile.
        var fences = Enumerable.Range(0, Partitions).Select(p => new LeaseFence(p, _epoch, InstanceId)).ToList();
        _announce = Task.Run(async () =>
        {
            try
            {
                await listener.AcquiredAsync(fences, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Starting the flows of this server failed");
            }
        }, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _announce.WaitAsync(ct).ConfigureAwait(false);
    }

    private static string? NullIfEmpty(string s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
