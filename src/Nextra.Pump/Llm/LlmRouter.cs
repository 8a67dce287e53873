using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Net;

namespace Nextra.Pump.Llm;

/// <summary>
/// Chooses a backend per call (failover | round-robin | least-loaded), retries with exponential
/// backoff and ±25 % jitter, honours Retry-After, caps concurrency and tokens per minute per
/// backend, and fails with <c>llm_unavailable</c> when nothing can serve (xml-pipeline §4.5, §9.24).
/// One router per flow definition: its load and rate state are shared by all the flow's agents.
/// </summary>
public sealed class LlmRouter
{
    public const string Unavailable = "llm_unavailable";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(120);

    private readonly LlmSection _section;
    private readonly TimeProvider _time;
    private readonly Func<string, string?> _environment;
    private readonly IReadOnlyDictionary<string, ILlmProvider> _providers;
    private int _roundRobin = -1;

    /// <param name="maxTimeout">Upper bound for backend timeouts (the operator's egress clamp); null = as configured.</param>
    public LlmRouter(LlmSection section, TimeProvider time, Func<string, string?>? environment = null,
        IReadOnlyDictionary<string, ILlmProvider>? providers = null, TimeSpan? maxTimeout = null)
    {
        _section = section;
        _time = time;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _providers = providers ?? new Dictionary<string, ILlmProvider>
        {
            ["openai"] = OpenAiChatProvider.Instance, ["xai"] = OpenAiChatProvider.Instance,
            ["ollama"] = OpenAiChatProvider.Instance, ["anthropic"] = AnthropicProvider.Instance,
            ["mock"] = MockLlmProvider.Instance,
        };
        Backends = section.Backends.Select((b, i) => Build(b, i, time, maxTimeout)).ToList();
    }

    public IReadOnlyList<LlmBackend> Backends { get; }
    public string Strategy => _section.Strategy;

    public static Uri DefaultBaseUrl(string provider) => provider switch
    {
        "xai" => new Uri("https://api.x.ai/v1/"),
        "anthropic" => new Uri("https://api.anthropic.com/v1/"),
        "ollama" => new Uri("http://localhost:11434/v1/"),
        _ => new Uri("https://api.openai.com/v1/"),
    };

    private static LlmBackend Build(LlmBackendDefinition d, int order, TimeProvider time, TimeSpan? maxTimeout)
    {
        var custom = !string.IsNullOrWhiteSpace(d.BaseUrl);
        var baseUrl = custom ? new Uri(d.BaseUrl!.TrimEnd('/') + "/") : DefaultBaseUrl(d.Provider);
        // Ollama's OpenAI-compatible API lives under /v1; people usually give the bare server address.
        if (custom && d.Provider == "ollama" && !baseUrl.AbsolutePath.TrimEnd('/').EndsWith("/v1", StringComparison.Ordinal))
            baseUrl = new Uri(baseUrl, "v1/");
        var bucket = d.RateLimitTpm is > 0 ? new TokenBucket(d.RateLimitTpm.Value, time) : null;
        var timeout = TimeSpan.FromSeconds(d.TimeoutSeconds > 0 ? d.TimeoutSeconds : 60);
        if (maxTimeout is { } max && timeout > max)
            timeout = max;
        return new LlmBackend(d, d.Name ?? d.Provider, baseUrl, custom, timeout, bucket, order);
    }

    /// <summary>Runs one completion. Throws <see cref="HandlerException"/> <c>llm_unavailable</c> when every attempt failed.</summary>
    public async Task<ChatCompletion> CompleteAsync(ChatRequest request, IFlowServices services, Action<string>? onToken,
        Action<string, string>? log, CancellationToken ct)
    {
        var candidates = Backends.Where(b => b.Serves(request.Model)).ToList();
        if (candidates.Count == 0)
            throw new HandlerException(Unavailable, $"no backend serves model '{request.Model}' (backends: {string.Join(", ", Backends.Select(b => b.Name))})");
        var start = Interlocked.Increment(ref _roundRobin);
        var attempts = Math.Max(0, _section.Retries) + 1;
        var tried = new HashSet<LlmBackend>();
        var excluded = new HashSet<LlmBackend>();
        var failures = new List<string>();
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var backend = Pick(candidates, tried, excluded, start);
            if (backend is null)
                break;
            tried.Add(backend);
            var wait = CooldownRemaining(backend);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, _time, ct).ConfigureAwait(false);
            try
            {
                var result = await AttemptAsync(backend, request, services, onToken, ct).ConfigureAwait(false);
                return result with { Attempts = attempt + 1 };
            }
            catch (LlmProviderException e)
            {
                var reason = Redact(e.Message, backend.ApiKey);
                failures.Add($"{backend.Name}: {reason}");
                if (e.Kind == LlmFailureKind.Rejected)
                    excluded.Add(backend);
                if (e.RetryAfter is { } retryAfter)
                    backend.CooldownUntilTicks = _time.GetUtcNow().Add(Min(retryAfter, MaxRetryAfter)).UtcTicks;
                if (attempt + 1 < attempts && excluded.Count < candidates.Count)
                {
                    var delay = Backoff(attempt);
                    log?.Invoke("warning", $"llm attempt {attempt + 1}/{attempts} on {backend.Name} failed ({e.Kind}): {reason}; retrying in {delay.TotalMilliseconds:0} ms");
                    await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                }
            }
        }
        throw new HandlerException(Unavailable, $"no LLM backend could serve '{request.Model}' after {failures.Count} attempt(s): {Collapse(failures)}");
    }

    /// <summary>Identical attempt errors once, with their count: a missing key reads as one line, not the retry list.</summary>
    internal static string Collapse(IReadOnlyList<string> failures) =>
        string.Join("; ", failures.GroupBy(f => f, StringComparer.Ordinal).Select(g => g.Count() > 1 ? $"{g.Key} (×{g.Count()})" : g.Key));

    private async Task<ChatCompletion> AttemptAsync(LlmBackend backend, ChatRequest request, IFlowServices services, Action<string>? onToken,
        CancellationToken ct)
    {
        await EnsureKeyAsync(backend, services, ct).ConfigureAwait(false);
        var reserve = Math.Max(100, ProviderHttp.Estimate(request.Messages));
        if (backend.Bucket is { } bucket && !bucket.TryTake(reserve, out var refill))
            throw new LlmProviderException(LlmFailureKind.RateLimited, $"rate_limit_tpm of {backend.Name} reached", refill);
        if (!await backend.Gate.WaitAsync(backend.Timeout, ct).ConfigureAwait(false))
        {
            backend.Bucket?.Adjust(reserve, 0);
            throw new LlmProviderException(LlmFailureKind.RateLimited, $"max_concurrent ({backend.MaxConcurrent}) of {backend.Name} busy for {backend.Timeout.TotalSeconds:0} s");
        }
        backend.Enter();
        var used = 0;
        try
        {
            var provider = _providers.TryGetValue(backend.Provider, out var p) ? p : OpenAiChatProvider.Instance;
            var result = await provider.CompleteAsync(backend, request, onToken, services.Egress, _time, ct).ConfigureAwait(false);
            used = result.PromptTokens + result.CompletionTokens;
            return result;
        }
        catch (EgressException e) when (!ct.IsCancellationRequested)
        {
            // A refused address will be refused again: drop the backend instead of retrying it.
            var kind = e.Code switch
            {
                EgressException.Timeout => LlmFailureKind.Timeout,
                EgressException.Blocked => LlmFailureKind.Rejected,
                _ => LlmFailureKind.Network,
            };
            var hint = e.Code == EgressException.Blocked ? " (add the address to the server's egress allow-list)" : "";
            throw new LlmProviderException(kind, e.Message + hint, null, e);
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            throw new LlmProviderException(LlmFailureKind.Network, e.Message, null, e);
        }
        catch (IOException e) when (!ct.IsCancellationRequested)
        {
            throw new LlmProviderException(LlmFailureKind.Network, e.Message, null, e);
        }
        finally
        {
            backend.Leave();
            backend.Gate.Release();
            backend.Bucket?.Adjust(reserve, used);
        }
    }

    private async Task EnsureKeyAsync(LlmBackend backend, IFlowServices services, CancellationToken ct)
    {
        if (backend.KeyResolved)
            return;
        var d = backend.Definition;
        string? key = d.ApiKey;
        if (string.IsNullOrEmpty(key) && !string.IsNullOrEmpty(d.ApiKeyEnv))
            key = _environment(d.ApiKeyEnv);
        if (string.IsNullOrEmpty(key) && !string.IsNullOrEmpty(d.ApiKeySecret))
            key = await services.Secrets.GetAsync(d.ApiKeySecret, ct).ConfigureAwait(false);
        var keyless = d.Provider is "ollama" or "mock" || backend.CustomBaseUrl;
        if (string.IsNullOrEmpty(key) && !keyless)
        {
            var source = d.ApiKeySecret is { } s ? $"secret '{s}'" : d.ApiKeyEnv is { } env ? $"environment variable '{env}'" : "api_key";
            throw new LlmProviderException(LlmFailureKind.Rejected, $"no API key for {backend.Name} ({source} is empty or missing)");
        }
        backend.ApiKey = string.IsNullOrEmpty(key) ? null : key;
        backend.KeyResolved = true;
    }

    private LlmBackend? Pick(List<LlmBackend> candidates, HashSet<LlmBackend> tried, HashSet<LlmBackend> excluded, int start)
    {
        IEnumerable<LlmBackend> ordered = _section.Strategy switch
        {
            "round-robin" => candidates.Select((b, i) => (b, i)).OrderBy(x => (x.i - start % candidates.Count + candidates.Count) % candidates.Count).Select(x => x.b),
            "least-loaded" => candidates.OrderBy(b => b.Load).ThenBy(b => b.Priority).ThenBy(b => b.Order),
            _ => candidates.OrderBy(b => b.Priority).ThenBy(b => b.Order),
        };
        var usable = ordered.Where(b => !excluded.Contains(b)).ToList();
        if (usable.Count == 0)
            return null;
        // Skip backends already tried in this call; once all were, start over (the library's failover).
        var fresh = usable.Where(b => !tried.Contains(b)).ToList();
        if (fresh.Count == 0)
        {
            tried.Clear();
            fresh = usable;
        }
        return fresh.FirstOrDefault(b => CooldownRemaining(b) <= TimeSpan.Zero) ?? fresh.MinBy(CooldownRemaining);
    }

    private TimeSpan CooldownRemaining(LlmBackend backend)
    {
        var remaining = backend.CooldownUntilTicks - _time.GetUtcNow().UtcTicks;
        return remaining > 0 ? TimeSpan.FromTicks(remaining) : TimeSpan.Zero;
    }

    /// <summary>base·2^attempt, capped, ±25 % jitter.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(MaxBackoff.TotalSeconds, Math.Max(0, _section.RetryBaseDelaySeconds) * Math.Pow(2, attempt));
        var jitter = 0.75 + Random.Shared.NextDouble() * 0.5;
        return TimeSpan.FromSeconds(seconds * jitter);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Provider error bodies sometimes echo the key; it must not reach run traces or logs.</summary>
    private static string Redact(string message, string? key) =>
        string.IsNullOrEmpty(key) || key.Length < 4 ? message : message.Replace(key, "***", StringComparison.Ordinal);
}
