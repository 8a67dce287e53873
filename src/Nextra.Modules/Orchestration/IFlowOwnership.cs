using System.Text;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Which process runs a flow. Flows hash to a fixed number of partitions; an instance runs the flows of the
/// partitions whose leases it holds, and writes their runs under the lease's epoch (<see cref="LeaseFence"/>).
/// Embedded: this process holds every partition, with a new epoch each start. Hosted: leases in Postgres on the
/// database's clock, renewed in the background, taken over when their holder stops renewing.
/// </summary>
public interface IFlowOwnership
{
    /// <summary>This instance's id.</summary>
    string InstanceId { get; }

    /// <summary>Number of partitions.</summary>
    int Partitions { get; }

    /// <summary>
    /// True when this process is the only one (embedded): every inbox row is appended here and handed over at once,
    /// so nothing needs polling for.
    /// </summary>
    bool Exclusive { get; }

    /// <summary>The partition a flow hashes to.</summary>
    int PartitionOf(string flowId);

    /// <summary>Is the flow this instance's to run? When it is, <paramref name="fence"/> is the lease to write under.</summary>
    bool TryGetLease(string flowId, out LeaseFence fence);

    /// <summary>Who runs the flow now (null: nobody holds its partition's lease).</summary>
    Task<PartitionOwner?> OwnerOfAsync(string flowId, CancellationToken ct);

    /// <summary>
    /// Takes this instance's initial leases (embedded: all, with a new epoch) and returns; the listener hears of them,
    /// and of every later acquisition or loss, from a background task.
    /// </summary>
    Task StartAsync(IOwnershipListener listener, CancellationToken ct);

    /// <summary>Gives every lease back (graceful shutdown), so others take over without waiting for expiry.</summary>
    Task StopAsync(CancellationToken ct);
}

/// <summary>Told when this instance gains or loses a partition (the flow supervisor).</summary>
public interface IOwnershipListener
{
    /// <summary>The partitions are this instance's under their <paramref name="fences"/>: start their flows, claim their pending runs.</summary>
    Task AcquiredAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct);

    /// <summary>The partitions are no longer this instance's: stop running their flows here (their status stays as it is).</summary>
    Task LostAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct);
}

/// <summary>The holder of a partition's lease.</summary>
public sealed record PartitionOwner(int Partition, string InstanceId, long Epoch, DateTimeOffset ExpiresAt, string? AdvertiseUrl);

/// <summary>The stable flow → partition hash (FNV-1a of the id's UTF-8 bytes), the same in every instance and release.</summary>
public static class FlowPartitions
{
    public static int Of(string flowId, int partitions)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(flowId))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }
        return (int)(hash % (uint)Math.Max(1, partitions));
    }
}
