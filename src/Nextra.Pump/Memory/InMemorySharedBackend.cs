using System.Collections.Concurrent;

namespace Nextra.Pump.Memory;

/// <summary>The default <see cref="ISharedBackend"/>: dictionaries and locks; every call completes synchronously.</summary>
public sealed class InMemorySharedBackend : ISharedBackend
{
    private readonly ConcurrentDictionary<string, SlotList> _buffers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _chainToUuid = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _uuidToChain = new(StringComparer.Ordinal);
    private readonly InMemoryGathers _gathers = new();
    private long _created;

    /// <summary>Gathers currently stored (for tests of pruning).</summary>
    public int GatherCount => _gathers.Count;

    public ValueTask<int> BufferAppendAsync(string threadId, StoredSlot slot, CancellationToken ct)
    {
        var list = _buffers.GetOrAdd(threadId, static (_, self) => new SlotList(Interlocked.Increment(ref self._created)), this);
        return new(list.Append(slot));
    }

    public ValueTask<IReadOnlyList<StoredSlot>> BufferGetThreadAsync(string threadId, CancellationToken ct) =>
        new(_buffers.TryGetValue(threadId, out var list) ? list.Snapshot() : []);

    public ValueTask<StoredSlot?> BufferGetSlotAsync(string threadId, int index, CancellationToken ct) =>
        new(_buffers.TryGetValue(threadId, out var list) ? list.Get(index) : null);

    public ValueTask<int> BufferThreadLengthAsync(string threadId, CancellationToken ct) =>
        new(_buffers.TryGetValue(threadId, out var list) ? list.Count : 0);

    public ValueTask<bool> BufferThreadExistsAsync(string threadId, CancellationToken ct) => new(_buffers.ContainsKey(threadId));

    public ValueTask<bool> BufferDeleteThreadAsync(string threadId, CancellationToken ct) => new(_buffers.TryRemove(threadId, out _));

    public ValueTask<IReadOnlyList<string>> BufferListThreadsAsync(CancellationToken ct) =>
        new(_buffers.OrderBy(kv => kv.Value.Created).Select(kv => kv.Key).ToList());

    public ValueTask BufferClearAsync(CancellationToken ct)
    {
        _buffers.Clear();
        return default;
    }

    public ValueTask RegistrySetAsync(string chain, string uuid, CancellationToken ct)
    {
        _chainToUuid[chain] = uuid;
        _uuidToChain[uuid] = chain;
        return default;
    }

    public ValueTask<string> RegistryGetOrAddAsync(string chain, string candidateUuid, CancellationToken ct)
    {
        var uuid = _chainToUuid.GetOrAdd(chain, candidateUuid);
        if (ReferenceEquals(uuid, candidateUuid))
        {
            _uuidToChain[uuid] = chain;
        }
        return new(uuid);
    }

    public ValueTask<string?> RegistryGetUuidAsync(string chain, CancellationToken ct) => new(_chainToUuid.GetValueOrDefault(chain));

    public ValueTask<string?> RegistryGetChainAsync(string uuid, CancellationToken ct) => new(_uuidToChain.GetValueOrDefault(uuid));

    public ValueTask<bool> RegistryDeleteAsync(string uuid, CancellationToken ct)
    {
        if (!_uuidToChain.TryRemove(uuid, out var chain))
        {
            return new(false);
        }
        _chainToUuid.TryRemove(new KeyValuePair<string, string>(chain, uuid));
        return new(true);
    }

    public ValueTask<IReadOnlyDictionary<string, string>> RegistryListAllAsync(CancellationToken ct) =>
        new(new Dictionary<string, string>(_uuidToChain, StringComparer.Ordinal));

    public ValueTask RegistryClearAsync(CancellationToken ct)
    {
        _chainToUuid.Clear();
        _uuidToChain.Clear();
        return default;
    }

    public ValueTask<GatherState> GatherOpenAsync(string gatherId, int slots, long deadlineUnixMs, string epoch, CancellationToken ct) =>
        new(_gathers.Open(gatherId, slots, deadlineUnixMs, epoch));

    public ValueTask<GatherFillResult> GatherFillAsync(string gatherId, int slot, byte[] value, CancellationToken ct) =>
        new(_gathers.Fill(gatherId, slot, value));

    public ValueTask<int> GatherClaimNextAsync(string gatherId, CancellationToken ct) => new(_gathers.ClaimNext(gatherId));

    public ValueTask<IReadOnlyList<byte[]?>?> GatherCloseAsync(string gatherId, CancellationToken ct) => new(_gathers.Close(gatherId));

    public ValueTask<bool> GatherDeleteAsync(string gatherId, CancellationToken ct) => new(_gathers.Delete(gatherId));

    public ValueTask DisposeAsync() => default;

    /// <summary>Append-only slot array; snapshots share the array and fix the count.</summary>
    private sealed class SlotList(long created)
    {
        private StoredSlot[] _items = new StoredSlot[4];
        private int _count;
        private readonly Lock _lock = new();

        public long Created { get; } = created;
        public int Count => Volatile.Read(ref _count);

        public int Append(StoredSlot slot)
        {
            lock (_lock)
            {
                if (_count == _items.Length)
                {
                    Array.Resize(ref _items, _items.Length * 2);
                }
                _items[_count] = slot;
                return _count++;
            }
        }

        public StoredSlot? Get(int index)
        {
            lock (_lock)
            {
                return index >= 0 && index < _count ? _items[index] : null;
            }
        }

        public IReadOnlyList<StoredSlot> Snapshot()
        {
            lock (_lock)
            {
                return new ArraySegment<StoredSlot>(_items, 0, _count);
            }
        }
    }
}
