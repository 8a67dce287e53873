namespace Nextra.Modules.Storage;

/// <summary>
/// The lease under which an instance runs a partition's flows: <see cref="Epoch"/> grows every time the partition
/// changes hands (or, embedded, every time the server starts). Inbox claims and trace writes carry it; the hosted
/// stores refuse a write whose epoch is no longer the partition's current one, so an instance that was paused past
/// its lease cannot write after another took over (fencing).
/// </summary>
public readonly record struct LeaseFence(int Partition, long Epoch, string Owner)
{
    /// <summary>No lease (tests, the headless CLI): writes are not fenced.</summary>
    public static LeaseFence None { get; } = new(-1, 0, "");

    public bool IsNone => Partition < 0;
}

/// <summary>A write refused because its lease epoch is stale: another instance owns the partition now.</summary>
public sealed class FencedWriteException(LeaseFence fence)
    : InvalidOperationException($"Write refused: partition {fence.Partition} epoch {fence.Epoch} of {fence.Owner} is no longer the current lease.")
{
    public LeaseFence Fence { get; } = fence;
}
