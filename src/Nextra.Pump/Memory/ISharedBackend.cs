namespace Nextra.Pump.Memory;

/// <summary>
/// State a pump may share across processes (xml-pipeline's SharedBackend): per-thread context buffers
/// and the thread registry (chain ⇄ UUID). Everything crossing it is storable (<see cref="StoredSlot.ToBytes"/>),
/// so a Redis implementation can keep <c>{prefix}buffer:{thread}</c> lists and <c>{prefix}chain:</c>/<c>{prefix}uuid:</c> keys.
/// The in-memory implementation completes synchronously.
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
}
