using System.Collections.Concurrent;

namespace Nextra.Modules.Common;

/// <summary><see cref="ICacheInvalidator"/> for one process: subscribers are called synchronously.</summary>
[ModuleContract("the embedded implementation of a seam; the Cluster module's one switch selects it when no Redis is configured")]
public sealed class InProcessCacheInvalidator : ICacheInvalidator
{
    private readonly ConcurrentDictionary<string, ImmutableSubscribers> _subscribers = new(StringComparer.Ordinal);

    public ValueTask InvalidateAsync(string cache, string key, CancellationToken ct = default)
    {
        Deliver(cache, key);
        return ValueTask.CompletedTask;
    }

    /// <summary>Delivers an invalidation to this process's subscribers (also what a backplane calls on receipt).</summary>
    public void Deliver(string cache, string key)
    {
        if (!_subscribers.TryGetValue(cache, out var list)) return;
        foreach (var handler in list.Handlers) handler(key);
    }

    public IDisposable Subscribe(string cache, Action<string> onInvalidated)
    {
        _subscribers.AddOrUpdate(cache, _ => new ImmutableSubscribers([onInvalidated]), (_, l) => new ImmutableSubscribers([.. l.Handlers, onInvalidated]));
        return new Unsubscriber(() => _subscribers.AddOrUpdate(cache, _ => new ImmutableSubscribers([]),
            (_, l) => new ImmutableSubscribers([.. l.Handlers.Where(h => h != onInvalidated)])));
    }

    private sealed record ImmutableSubscribers(Action<string>[] Handlers);

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
