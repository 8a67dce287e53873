namespace Nextra.Pump.Llm;

/// <summary>A configured backend at run time: where it is, its key, and its live load and rate state.</summary>
public sealed class LlmBackend
{
    private int _active;

    internal LlmBackend(Config.LlmBackendDefinition definition, string name, Uri baseUrl, bool customBaseUrl, TimeSpan timeout,
        TokenBucket? bucket, int order)
    {
        Definition = definition;
        var provider = definition.Provider;
        var priority = definition.Priority;
        var maxConcurrent = definition.MaxConcurrent;
        var models = definition.Models;
        Name = name;
        Provider = provider;
        BaseUrl = baseUrl;
        CustomBaseUrl = customBaseUrl;
        Priority = priority;
        MaxConcurrent = Math.Max(1, maxConcurrent);
        Timeout = timeout;
        Models = models;
        Bucket = bucket;
        Order = order;
        Gate = new SemaphoreSlim(MaxConcurrent, MaxConcurrent);
    }

    public string Name { get; }
    /// <summary>openai | xai | anthropic | ollama.</summary>
    public string Provider { get; }
    /// <summary>Always ends with '/', so relative paths append.</summary>
    public Uri BaseUrl { get; }
    /// <summary>True when base_url was given (a self-hosted server); provider model defaults then do not apply.</summary>
    public bool CustomBaseUrl { get; }
    internal Config.LlmBackendDefinition Definition { get; }
    /// <summary>Resolved lazily by the router (secrets are tenant-scoped and async), then cached.</summary>
    internal string? ApiKey { get; set; }
    internal bool KeyResolved { get; set; }
    /// <summary>Until when a 429's Retry-After asks us to leave this backend alone.</summary>
    internal long CooldownUntilTicks { get; set; }
    public int Priority { get; }
    public int MaxConcurrent { get; }
    public TimeSpan Timeout { get; }
    public IReadOnlyList<string> Models { get; }
    internal TokenBucket? Bucket { get; }
    /// <summary>Position in the llm section (stable tie-break).</summary>
    public int Order { get; }
    internal SemaphoreSlim Gate { get; }
    public int Active => Volatile.Read(ref _active);
    public double Load => (double)Active / MaxConcurrent;

    internal void Enter() => Interlocked.Increment(ref _active);
    internal void Leave() => Interlocked.Decrement(ref _active);

    /// <summary>
    /// Model rules: the backend's <c>models</c> globs when given; else, for vendor endpoints, the
    /// provider's model families (§4.5); a self-hosted base_url without globs serves any model.
    /// </summary>
    public bool Serves(string model)
    {
        if (Models.Count > 0)
            return Models.Any(g => ModelGlob.IsMatch(g, model));
        if (CustomBaseUrl)
            return true;
        var m = model.ToLowerInvariant();
        return Provider switch
        {
            "xai" => m.StartsWith("grok", StringComparison.Ordinal),
            "anthropic" => m.Contains("claude", StringComparison.Ordinal) || m.Contains("anthropic", StringComparison.Ordinal),
            "openai" => m.StartsWith("gpt", StringComparison.Ordinal) || m.StartsWith("o1", StringComparison.Ordinal)
                || m.StartsWith("o3", StringComparison.Ordinal) || m.StartsWith("o4", StringComparison.Ordinal)
                || m.StartsWith("chatgpt", StringComparison.Ordinal),
            _ => true,
        };
    }
}
