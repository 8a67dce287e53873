using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Triggers.Stores;
using Nextra.Pump.Config;

namespace Nextra.Modules.Triggers;

/// <summary>
/// One secret token per webhook trigger (32 random bytes, base64url), minted when the flow is
/// first activated, kept across stop/start, rotatable. Matching compares every token of the
/// flow in constant time, so timing says nothing about which trigger or how close a guess was.
/// </summary>
public sealed class WebhookTokens : IFlowRuntimeListener
{
    private readonly InboxStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte[]>> _byFlow = new();

    public WebhookTokens(InboxStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        foreach (var (flowId, trigger, token) in store.ListTokens())
            _byFlow.GetOrAdd(flowId, _ => new())[trigger] = Encoding.ASCII.GetBytes(token);
    }

    /// <summary>The trigger whose token this is, or null.</summary>
    public string? Match(string flowId, string token)
    {
        if (!_byFlow.TryGetValue(flowId, out var tokens)) return null;
        var candidate = Encoding.ASCII.GetBytes(token);
        string? match = null;
        foreach (var (trigger, expected) in tokens)
        {
            // No early exit: every token is compared.
            if (CryptographicOperations.FixedTimeEquals(candidate, expected)) match = trigger;
        }
        return match;
    }

    /// <summary>The trigger's token, minting one if it has none.</summary>
    public string Ensure(string flowId, string trigger)
    {
        var tokens = _byFlow.GetOrAdd(flowId, _ => new());
        if (tokens.TryGetValue(trigger, out var existing)) return Encoding.ASCII.GetString(existing);
        lock (tokens)
        {
            return tokens.TryGetValue(trigger, out existing) ? Encoding.ASCII.GetString(existing) : Rotate(flowId, trigger);
        }
    }

    /// <summary>Replaces the trigger's token; the old URL stops working at once.</summary>
    public string Rotate(string flowId, string trigger)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        _store.SetToken(flowId, trigger, token, _time.GetUtcNow());
        _byFlow.GetOrAdd(flowId, _ => new())[trigger] = Encoding.ASCII.GetBytes(token);
        return token;
    }

    public void Activated(string tenantId, string flowId, FlowDefinition flow)
    {
        foreach (var trigger in flow.Triggers.Where(t => t.Type == "webhook")) Ensure(flowId, trigger.Name);
    }

    public void Deactivated(string flowId)
    {
        // Tokens outlive a stop so a flow's URLs stay the same when it starts again.
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
