namespace Nextra.Pump.Memory;

/// <summary>
/// State a pump may share across processes (xml-pipeline's SharedBackend): per-thread context buffers,
/// the thread registry (chain ⇄ UUID) and gathers (the answers a join, map or sequence waits for).
/// Everything crossing it is storable (<see cref="StoredSlot.ToBytes"/>, gather slot values are bytes), so a
/// Redis implementation can keep <c>{prefix}buffer:{thread}</c> lists, <c>{prefix}chain:</c>/<c>{prefix}uuid:</c>
/// keys and one <c>{prefix}gather:{id}</c> hash per gather. The in-memory implementation completes synchronously.
/// </summary>
public interface ISharedBackend : IAsyncDisposable
{
    /// <summary>Appends a slot and returns its index (0-based, consecutive).</summary>
    ValueTask<int> BufferAppendAsync(string threadId, StoredSlot slot, CancellationToken ct);
    /// <summary>The thread's slots, oldest first (a snapshot: later appends are not visible).</summary>
    ValueTask<IReadOnlyList<StoredSlot>> BufferGetThreadAsync(string threadId, CancellationToken ct);
    ValueTask<StoredSlot?> BufferGetSlotAsync(string threadId, int index, CancellationToken ct);
    ValueTask<int> BufferThreadLengthAsync(string threadId, CancellationToken ct);
    ValueTask<bool> BufferThreadExistsAsync(string threadId, CancellationToken ct);
    ValueTask<bool> BufferDeleteThreadAsync(string threadId, CancellationToken ct);
    /// <summary>Thread ids in creation order.</summary>
    ValueTask<IReadOnlyList<string>> BufferListThreadsAsync(CancellationToken ct);
    ValueTask BufferClearAsync(CancellationToken ct);

    /// <summary>Maps chain ⇄ uuid in both directions.</summary>
    ValueTask RegistrySetAsync(string chain, string uuid, CancellationToken ct);
    /// <summary>Atomically returns the chain's uuid, setting <paramref name="candidateUuid"/> when it had none (SETNX).</summary>
    ValueTask<string> RegistryGetOrAddAsync(string chain, string candidateUuid, CancellationToken ct);
    ValueTask<string?> RegistryGetUuidAsync(string chain, CancellationToken ct);
    ValueTask<string?> RegistryGetChainAsync(string uuid, CancellationToken ct);
    /// <summary>Removes both directions; false when the uuid was unknown.</summary>
    ValueTask<bool> RegistryDeleteAsync(string uuid, CancellationToken ct);
    ValueTask<IReadOnlyDictionary<string, string>> RegistryListAllAsync(CancellationToken ct);
    ValueTask RegistryClearAsync(CancellationToken ct);

    /// <summary>
    /// Opens gather <paramref name="gatherId"/> with <paramref name="slots"/> slots, or returns it as stored.
    /// When it already exists under another <paramref name="epoch"/> (a pump restarted and the run is running
    /// again) it is re-opened: closed and cursor reset, filled slots and deadline kept, epoch replaced.
    /// Redis: one Lua script over the gather's hash (fields <c>slots</c>, <c>deadline</c>, <c>epoch</c>,
    /// <c>closed</c>, <c>cursor</c>, <c>n</c>, <c>s:{i}</c>); backends with expiry keep a gather a day after its last write.
    /// </summary>
    ValueTask<GatherState> GatherOpenAsync(string gatherId, int slots, long deadlineUnixMs, string epoch, CancellationToken ct);
    /// <summary>Fills a slot once (HSETNX), unless the gather is closed or unknown; returns the counts after the call.</summary>
    ValueTask<GatherFillResult> GatherFillAsync(string gatherId, int slot, byte[] value, CancellationToken ct);
    /// <summary>The lowest unfilled slot at or after the cursor, moving the cursor past it; -1 when none is left or the gather is closed.</summary>
    ValueTask<int> GatherClaimNextAsync(string gatherId, CancellationToken ct);
    /// <summary>Closes the gather once and returns every slot (null = never filled); null when it was already closed or is unknown.</summary>
    ValueTask<IReadOnlyList<byte[]?>?> GatherCloseAsync(string gatherId, CancellationToken ct);
    ValueTask<bool> GatherDeleteAsync(string gatherId, CancellationToken ct);
}
