namespace Nextra.Modules.Common;

/// <summary>
/// Tells every instance that a cached entry changed (a rotated webhook token, a tenant's new tier), so caches are
/// invalidated at once instead of waiting out a TTL. Embedded: in this process; hosted: Redis pub/sub.
/// Handlers run on a background thread and must be fast.
/// </summary>
public interface ICacheInvalidator
{
    /// <summary>Invalidates <paramref name="key"/> of <paramref name="cache"/> here and on every other instance.</summary>
    ValueTask InvalidateAsync(string cache, string key, CancellationToken ct = default);

    /// <summary>Calls <paramref name="onInvalidated"/> with the key whenever an entry of <paramref name="cache"/> is invalidated.</summary>
    IDisposable Subscribe(string cache, Action<string> onInvalidated);
}
