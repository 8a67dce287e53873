namespace Nextra.Pump.Llm;

/// <summary>Why one attempt against one backend failed.</summary>
public enum LlmFailureKind
{
    /// <summary>429 from the provider, or the backend's own tokens-per-minute bucket is empty.</summary>
    RateLimited,
    /// <summary>5xx from the provider.</summary>
    Server,
    /// <summary>The provider answered 2xx with a body that is not the expected JSON.</summary>
    Malformed,
    /// <summary>Other 4xx: the request itself was refused (bad key, unknown model, context too long).</summary>
    Rejected,
    /// <summary>No answer within the backend's timeout.</summary>
    Timeout,
    /// <summary>Connection failed or the egress guard refused the address.</summary>
    Network,
}

/// <summary>A failed attempt; the router decides whether to retry or move to another backend.</summary>
public sealed class LlmProviderException(LlmFailureKind kind, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public LlmFailureKind Kind { get; } = kind;
    /// <summary>The provider's Retry-After (429) or the local bucket's refill time.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
