using System.Collections.Concurrent;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Memory;

/// <summary>Project memory kept in the process (headless runs, tests), with a total size cap.</summary>
public sealed class InMemoryProjectMemory(long maxBytes = 16 * 1024 * 1024) : IProjectMemory
{
    private readonly ConcurrentDictionary<string, byte[]> _items = new(StringComparer.Ordinal);
    private long _bytes;
    private readonly Lock _lock = new();

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken ct) => new(_items.TryGetValue(key, out var v) ? v.ToArray() : null);

    public ValueTask SetAsync(string key, byte[] value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            var old = _items.TryGetValue(key, out var prev) ? prev.Length + key.Length : 0;
            var next = _bytes - old + value.Length + key.Length;
            if (next > maxBytes)
            {
                throw new HandlerException("memory_quota", $"project memory is limited to {maxBytes} bytes");
            }
            _items[key] = value.ToArray();
            _bytes = next;
        }
        return default;
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_items.TryRemove(key, out var prev))
            {
                _bytes -= prev.Length + key.Length;
                return new(true);
            }
            return new(false);
        }
    }
}
