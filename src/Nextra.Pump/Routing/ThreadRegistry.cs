using System.Collections.Concurrent;
using Nextra.Pump.Memory;

namespace Nextra.Pump.Routing;

/// <summary>
/// Chain ⇄ UUID map (xml-pipeline §2.8). A chain is the dot-joined path of hops; handlers only see UUIDs.
/// Forward extends a chain, respond prunes its last hop, and the same chain always maps to the same UUID.
/// Chains live in a <em>scope</em> (a run id, or "system") so two runs never share a thread; the backend
/// stores <c>scope|chain</c>.
/// </summary>
public sealed class ThreadRegistry(ISharedBackend backend)
{
    // Local cache of uuid → (scope, chain); the backend stays the source of truth for other processes.
    private readonly ConcurrentDictionary<string, (string Scope, string Chain)> _byUuid = new(StringComparer.Ordinal);

    public ISharedBackend Backend { get; } = backend;

    /// <summary>
    /// A canonical lowercase UUIDv4. Drawn from the shared PRNG rather than the system RNG: thread ids
    /// are identifiers, not secrets, and a syscall per hop was measurable.
    /// </summary>
    public static string NewUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    /// <summary>The UUID of <paramref name="chain"/> in <paramref name="scope"/>, created when new.</summary>
    public async ValueTask<string> GetOrCreateAsync(string scope, string chain, CancellationToken ct)
    {
        var key = Key(scope, chain);
        // Look up first: a fresh UUID costs a system RNG call, and most extensions revisit known chains.
        var uuid = await Backend.RegistryGetUuidAsync(key, ct).ConfigureAwait(false)
            ?? await Backend.RegistryGetOrAddAsync(key, NewUuid(), ct).ConfigureAwait(false);
        _byUuid.TryAdd(uuid, (scope, chain));
        return uuid;
    }

    /// <summary>Adopts an external UUID for a chain (xml-pipeline §9.11).</summary>
    public async ValueTask AdoptAsync(string scope, string chain, string uuid, CancellationToken ct)
    {
        await Backend.RegistrySetAsync(Key(scope, chain), uuid, ct).ConfigureAwait(false);
        _byUuid[uuid] = (scope, chain);
    }

    public async ValueTask<(string Scope, string Chain)?> LookupAsync(string uuid, CancellationToken ct)
    {
        if (_byUuid.TryGetValue(uuid, out var hit))
        {
            return hit;
        }
        var stored = await Backend.RegistryGetChainAsync(uuid, ct).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }
        var bar = stored.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? ("", stored) : (stored[..bar], stored[(bar + 1)..]);
    }

    /// <summary>Extends the thread's chain by <paramref name="name"/>; the same extension gives the same UUID.</summary>
    public async ValueTask<(string Uuid, string Chain)> ExtendAsync(string uuid, string name, CancellationToken ct)
    {
        var found = await LookupAsync(uuid, ct).ConfigureAwait(false) ?? throw new KeyNotFoundException($"unknown thread {uuid}");
        var chain = found.Chain + "." + name;
        return (await GetOrCreateAsync(found.Scope, chain, ct).ConfigureAwait(false), chain);
    }

    /// <summary>
    /// Drops the chain's last hop: the new last hop is the target and the pruned chain's UUID the thread.
    /// Null when the chain has one segment or fewer (or is unknown): the chain ends.
    /// </summary>
    public async ValueTask<(string Target, string Uuid, string Chain)?> PruneForResponseAsync(string uuid, CancellationToken ct)
    {
        var found = await LookupAsync(uuid, ct).ConfigureAwait(false);
        if (found is null)
        {
            return null;
        }
        var chain = found.Value.Chain;
        var dot = chain.LastIndexOf('.');
        if (dot <= 0)
        {
            return null;
        }
        var pruned = chain[..dot];
        var prevDot = pruned.LastIndexOf('.');
        var target = prevDot < 0 ? pruned : pruned[(prevDot + 1)..];
        // A map item's or sequence step's hop is "name#index" (its own thread); the listener is the name.
        var hash = target.IndexOf('#');
        if (hash > 0)
        {
            target = target[..hash];
        }
        return (target, await GetOrCreateAsync(found.Value.Scope, pruned, ct).ConfigureAwait(false), pruned);
    }

    /// <summary>Removes a thread from both directions.</summary>
    public async ValueTask<bool> DeleteAsync(string uuid, CancellationToken ct)
    {
        _byUuid.TryRemove(uuid, out _);
        return await Backend.RegistryDeleteAsync(uuid, ct).ConfigureAwait(false);
    }

    public int CachedCount => _byUuid.Count;

    private static string Key(string scope, string chain) => scope + "|" + chain;
}
