using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Common;
using Nextra.Modules.Orchestration;
using Nextra.Pump.Config;

namespace Nextra.Modules.Triggers;

/// <summary>
/// One secret token per webhook trigger (32 random bytes, base64url), minted when the flow is first activated, kept
/// across stop/start, rotatable. Tokens are read through a per-flow cache that a rotation invalidates on every
/// instance at once (<see cref="ICacheInvalidator"/>), so the old URL stops working everywhere. Matching compares
/// every token of the flow in constant time, so timing says nothing about which trigger or how close a guess was.
/// </summary>
public sealed class WebhookTokens : IFlowRuntimeListener, IDisposable
{
    /// <summary>The <see cref="ICacheInvalidator"/> cache name; keys are flow ids.</summary>
    public const string CacheName = "webhook-tokens";

    private readonly IWebhookTokenStore _store;
    private readonly ICacheInvalidator _invalidator;
    private readonly TimeProvider _time;
    private readonly IDisposable _subscription;
    private readonly ILogger<WebhookTokens> _logger;
    private readonly ConcurrentDictionary<string, FlowTokens> _byFlow = new(StringComparer.Ordinal);
    private long _generation;

    public WebhookTokens(IWebhookTokenStore store, ICacheInvalidator invalidator, TimeProvider time, ILogger<WebhookTokens> logger)
    {
        _store = store;
        _invalidator = invalidator;
        _time = time;
        _logger = logger;
        _subscription = invalidator.Subscribe(CacheName, flowId =>
        {
            Interlocked.Increment(ref _generation);
            _byFlow.TryRemove(flowId, out _);
        });
    }

    /// <summary>The trigger whose token this is, or null.</summary>
    public async ValueTask<string?> MatchAsync(string flowId, string token, CancellationToken ct)
    {
        var tokens = await TokensOfAsync(flowId, ct).ConfigureAwait(false);
        var candidate = Encoding.ASCII.GetBytes(token);
        string? match = null;
        foreach (var (trigger, expected) in tokens.Tokens)
        {
            // No early exit: every token is compared.
            if (CryptographicOperations.FixedTimeEquals(candidate, expected)) match = trigger;
        }
        return match;
    }

    /// <summary>The trigger's token, minting one if it has none.</summary>
    public async Task<string> EnsureAsync(string tenantId, string flowId, string trigger, CancellationToken ct)
    {
        var tokens = await TokensOfAsync(flowId, ct).ConfigureAwait(false);
        if (tokens.Tokens.TryGetValue(trigger, out var existing)) return Encoding.ASCII.GetString(existing);
        // Insert-if-absent: two instances minting at once agree on the first stored token.
        var stored = await _store.SetAsync(tenantId, flowId, trigger, NewToken(), replace: false, _time.GetUtcNow(), ct).ConfigureAwait(false);
        _byFlow.TryRemove(flowId, out _);
        return stored;
    }

    /// <summary>Replaces the trigger's token; the old URL stops working at once, on every instance.</summary>
    public async Task<string> RotateAsync(string tenantId, string flowId, string trigger, CancellationToken ct)
    {
        var token = await _store.SetAsync(tenantId, flowId, trigger, NewToken(), replace: true, _time.GetUtcNow(), ct).ConfigureAwait(false);
        await _invalidator.InvalidateAsync(CacheName, flowId, ct).ConfigureAwait(false);
        return token;
    }

    public void Activated(string tenantId, string flowId, FlowDefinition flow)
    {
        var webhooks = flow.Triggers.Where(t => t.Type == "webhook").Select(t => t.Name).ToList();
        if (webhooks.Count == 0) return;
        // Minted off the caller's thread: activation must be fast; a request before it lands mints the same way.
        _ = Task.Run(async () =>
        {
            try
            {
                foreach (var name in webhooks) await EnsureAsync(tenantId, flowId, name, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Flow {FlowId}: webhook tokens not minted on activation; the triggers API mints them", flowId);
            }
        });
    }

    public void Deactivated(string flowId)
    {
        // Tokens outlive a stop so a flow's URLs stay the same when it starts again.
    }

    private async ValueTask<FlowTokens> TokensOfAsync(string flowId, CancellationToken ct)
    {
        if (_byFlow.TryGetValue(flowId, out var cached)) return cached;
        var generation = Interlocked.Read(ref _generation);
        var stored = await _store.GetAsync(flowId, ct).ConfigureAwait(false);
        var tokens = new FlowTokens(stored.ToDictionary(kv => kv.Key, kv => Encoding.ASCII.GetBytes(kv.Value), StringComparer.Ordinal));
        // Not cached when an invalidation arrived while reading: what was read may already be the old token.
        if (Interlocked.Read(ref _generation) == generation) _byFlow[flowId] = tokens;
        return tokens;
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _subscription.Dispose();

    private sealed record FlowTokens(Dictionary<string, byte[]> Tokens);
}
