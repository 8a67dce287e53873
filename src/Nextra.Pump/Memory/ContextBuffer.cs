using System.Collections;
using System.Collections.Concurrent;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Memory;

/// <summary>
/// Per-thread, append-only history of the payloads each thread received (xml-pipeline §5.1), over an
/// <see cref="ISharedBackend"/>. Limits: <see cref="MaxSlotsPerThread"/> (an overflowing append is
/// refused and reported, dispatch continues) and <see cref="MaxThreads"/> (the oldest thread is evicted).
/// </summary>
public sealed class ContextBuffer(ISharedBackend backend, int maxSlotsPerThread = 10_000, int maxThreads = 1_000)
{
    private readonly ConcurrentQueue<string> _order = new();
    private readonly ConcurrentDictionary<string, byte> _live = new(StringComparer.Ordinal);

    public int MaxSlotsPerThread { get; } = maxSlotsPerThread;
    public int MaxThreads { get; } = maxThreads;
    public ISharedBackend Backend { get; } = backend;
    public int ThreadCount => _live.Count;

    /// <summary>Appends a slot; returns its index, or -1 when the thread is full (the caller records the overflow).</summary>
    public async ValueTask<int> AppendAsync(string threadId, StoredSlot slot, CancellationToken ct)
    {
        if (_live.TryAdd(threadId, 0))
        {
            _order.Enqueue(threadId);
            if (_order.Count > 2 * MaxThreads + 64)
            {
                Compact();
            }
            while (_live.Count > MaxThreads && _order.TryDequeue(out var oldest))
            {
                if (_live.TryRemove(oldest, out _))
                {
                    await Backend.BufferDeleteThreadAsync(oldest, ct).ConfigureAwait(false);
                }
            }
        }
        else if (await Backend.BufferThreadLengthAsync(threadId, ct).ConfigureAwait(false) >= MaxSlotsPerThread)
        {
            return -1;
        }
        return await Backend.BufferAppendAsync(threadId, slot, ct).ConfigureAwait(false);
    }

    /// <summary>Threads deleted explicitly stay in the creation-order queue; drop them now and then so it stays bounded.</summary>
    private void Compact()
    {
        lock (_compactLock)
        {
            var count = _order.Count;
            for (var i = 0; i < count && _order.TryDequeue(out var id); i++)
            {
                if (_live.ContainsKey(id))
                {
                    _order.Enqueue(id);
                }
            }
        }
    }

    private readonly Lock _compactLock = new();

    /// <summary>Entries in the creation-order queue (live threads plus not yet compacted deleted ones).</summary>
    internal int OrderLength => _order.Count;

    /// <summary>The thread's history as handlers see it; slots materialise lazily.</summary>
    public async ValueTask<IReadOnlyList<ContextSlot>> HistoryAsync(string threadId, CancellationToken ct)
    {
        var slots = await Backend.BufferGetThreadAsync(threadId, ct).ConfigureAwait(false);
        return slots.Count == 0 ? [] : new SlotView(threadId, slots);
    }

    public async ValueTask<bool> DeleteAsync(string threadId, CancellationToken ct)
    {
        _live.TryRemove(threadId, out _);
        return await Backend.BufferDeleteThreadAsync(threadId, ct).ConfigureAwait(false);
    }

    private sealed class SlotView(string threadId, IReadOnlyList<StoredSlot> slots) : IReadOnlyList<ContextSlot>
    {
        private ContextSlot?[]? _cache;

        public int Count => slots.Count;

        public ContextSlot this[int index]
        {
            get
            {
                _cache ??= new ContextSlot?[slots.Count];
                return _cache[index] ??= ToContextSlot(index, slots[index]);
            }
        }

        private ContextSlot ToContextSlot(int index, StoredSlot s) => new(index, threadId, s.From, s.To, s.PayloadClass, s.PayloadXml, s.At);

        public IEnumerator<ContextSlot> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
