using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Common;
using Nextra.Modules.Tiers.Stores;

namespace Nextra.Modules.Tiers;

/// <summary>
/// Per-tenant tiers from the tenants table. The tenant → tier map is held in memory (a lookup on
/// the trigger hot path is a dictionary read) and reloaded when older than <c>cache_seconds</c>, or
/// at once after <see cref="SetTierAsync"/> on any instance (an <see cref="ICacheInvalidator"/> event); a change made by the CLI (another
/// process) applies within <c>cache_seconds</c>. A tier name in the database that the configuration
/// no longer has falls back to the default tier, with a warning logged once per tenant.
/// </summary>
public sealed class TierService : ITierAssignment
{
    private readonly ITenantTierStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<TierService> _logger;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly ConcurrentDictionary<string, byte> _warned = new();
    private volatile Snapshot? _snapshot;

    private readonly ICacheInvalidator _invalidator;
    private readonly ITierChangeHandler[] _handlers;

    /// <summary>The <see cref="ICacheInvalidator"/> cache name of the tenant → tier map.</summary>
    public const string CacheName = "tiers";

    internal TierService(ITenantTierStore store, TiersOptions options, TimeProvider time, ICacheInvalidator invalidator, ILogger<TierService> logger,
        IEnumerable<ITierChangeHandler>? handlers = null)
    {
        _handlers = handlers is null ? [] : [.. handlers];
        _store = store;
        Options = options;
        _time = time;
        _logger = logger;
        _invalidator = invalidator;
        // A tier changed anywhere (this process, another instance, the billing webhook): drop the map at once.
        invalidator.Subscribe(CacheName, _ => _snapshot = null);
    }

    public TiersOptions Options { get; }

    public async ValueTask<TierLimits> ForTenantAsync(string tenantId, CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (snapshot is null) await ReloadAsync(ct).ConfigureAwait(false);
        else if (!IsFresh(snapshot)) ReloadInBackground(); // stale-while-reloading: the hot path never waits on the database
        return ForTenant(tenantId);
    }

    public TierLimits ForTenant(string tenantId)
    {
        if (_snapshot?.Tiers.TryGetValue(tenantId, out var name) != true) return Options.Default;
        if (Options.Find(name) is { } tier) return tier;
        if (_warned.TryAdd(tenantId, 0))
            _logger.LogWarning("Tenant {TenantId} has tier '{Tier}', which is not configured; it gets the default tier '{Default}'", tenantId, name, Options.DefaultTier);
        return Options.Default;
    }

    /// <summary>Reloads the map now when it is stale (timers call this before a pass that uses <see cref="ForTenant"/>).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        if (!IsFresh(_snapshot)) await ReloadAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets the tier of the tenant named (or with the id) <paramref name="tenant"/>; <paramref name="tier"/>
    /// null or "default" clears it (the tenant follows <c>default_tier</c>). Returns the tenant's id.
    /// </summary>
    public async Task<string> SetTierAsync(string tenant, string? tier, CancellationToken ct)
    {
        string? stored = null;
        if (!string.IsNullOrWhiteSpace(tier) && !tier.Trim().Equals("default", StringComparison.OrdinalIgnoreCase))
        {
            stored = Options.Find(tier)?.Name ?? throw ApiException.BadRequest(ErrorCodes.BadRequest,
                $"Unknown tier '{tier.Trim()}'. Tiers: {string.Join(", ", Options.Tiers.Keys.Order())} (or 'default').");
        }
        var found = await _store.FindAsync(tenant.Trim(), ct).ConfigureAwait(false);
        if (found.Count == 0) throw ApiException.NotFound($"Tenant '{tenant}'");
        if (found.Count > 1) throw ApiException.Conflict($"{found.Count} tenants are named '{tenant}'; pass the tenant id instead.");
        var before = await ForTenantAsync(found[0].Id, ct).ConfigureAwait(false);
        await _store.SetTierAsync(found[0].Id, stored, ct).ConfigureAwait(false);
        _warned.TryRemove(found[0].Id, out _);
        await _invalidator.InvalidateAsync(CacheName, found[0].Id, ct).ConfigureAwait(false); // every instance sees the change at once
        var change = new TierChanged(found[0].Id, before, stored is null ? Options.Default : Options.Find(stored) ?? Options.Default);
        foreach (var handler in _handlers)
        {
            try
            {
                await handler.OnTierChangedAsync(change, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogError(ex, "Tier change handler {Handler} failed for tenant {TenantId}", handler.GetType().Name, found[0].Id);
            }
        }
        return found[0].Id;
    }

    /// <summary>Whether a tenant with this id exists (billing checks a Stripe event's tenant before linking it).</summary>
    public async Task<bool> TenantExistsAsync(string tenantId, CancellationToken ct) =>
        (await _store.FindAsync(tenantId, ct).ConfigureAwait(false)).Any(t => t.Id == tenantId);

    /// <summary>Every tenant with its effective tier, users and flows (<c>nextra tenant list</c>).</summary>
    public async Task<IReadOnlyList<TenantSummaryRow>> ListTenantsAsync(CancellationToken ct)
    {
        var rows = await _store.ListAsync(ct).ConfigureAwait(false);
        foreach (var row in rows) row.Tier = Options.Find(row.Tier)?.Name ?? Options.DefaultTier;
        return rows;
    }

    /// <summary>Drops the cached map; the next lookup reloads it.</summary>
    public ValueTask InvalidateAsync(CancellationToken ct = default) => _invalidator.InvalidateAsync(CacheName, "*", ct);

    private bool IsFresh(Snapshot? snapshot) =>
        snapshot is not null && _time.GetElapsedTime(snapshot.LoadedAt).TotalSeconds < Options.CacheSeconds;

    private void ReloadInBackground()
    {
        if (_reload.CurrentCount == 0) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await ReloadAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Reloading tenant tiers failed; the previous map stays in use");
            }
        });
    }

    private async Task ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (IsFresh(_snapshot)) return; // another caller reloaded meanwhile
            var started = _time.GetTimestamp();
            var rows = await _store.ListSetTiersAsync(ct).ConfigureAwait(false);
            _snapshot = new Snapshot(rows.ToDictionary(r => r.Id, r => r.Tier!, StringComparer.Ordinal), started);
        }
        finally
        {
            _reload.Release();
        }
    }

    private sealed record Snapshot(Dictionary<string, string> Tiers, long LoadedAt);
}
