namespace Nextra.Modules.Triggers;

/// <summary>
/// One secret token per webhook trigger, kept in clear (not hashed) because the triggers API shows the full URL
/// again; compared in constant time. Looked up by flow (a webhook request is anonymous: the flow id in its URL is
/// all there is), written with the flow's tenant.
/// </summary>
public interface IWebhookTokenStore
{
    /// <summary>The flow's tokens by trigger name (empty when it has none).</summary>
    Task<IReadOnlyDictionary<string, string>> GetAsync(string flowId, CancellationToken ct = default);

    /// <summary>Stores the trigger's token unless it has one (<paramref name="replace"/> false), returning the token now stored.</summary>
    Task<string> SetAsync(string tenantId, string flowId, string trigger, string token, bool replace, DateTimeOffset at, CancellationToken ct = default);

    Task DeleteAsync(string tenantId, string flowId, CancellationToken ct = default);
}
