using Nextra.Pump.Config.Yaml;

namespace Nextra.Pump.Config;

internal sealed partial class FlowParser
{
    private static readonly string[] LlmKeys = ["strategy", "retries", "retry_base_delay", "backends"];
    private static readonly string[] Strategies = ["failover", "round-robin", "least-loaded"];
    private static readonly string[] Providers = ["openai", "xai", "anthropic", "ollama", "mock"];
    private static readonly string[] BackendKeys =
        ["provider", "name", "base_url", "api_key", "api_key_env", "api_key_secret", "priority", "rate_limit_tpm", "max_concurrent", "timeout", "models", "responses"];

    private LlmSection? ParseLlm(YNode? node)
    {
        switch (node)
        {
            case null or YScalar { IsNull: true }:
                return null;
            case YMapping map:
            {
                YamlValues.CheckKeys(map, _p, "llm", LlmKeys, new Dictionary<string, string> { ["retry_max_delay"] = "backoff is capped by the router" });
                var strategy = YamlValues.String(map.Get("strategy"), _p, "llm.strategy") ?? "failover";
                if (!Strategies.Contains(strategy))
                {
                    _p.Add(map.Get("strategy"), "invalid_value", $"llm.strategy '{strategy}' is not one of {string.Join(", ", Strategies)}");
                }
                var retries = YamlValues.Integer(map.Get("retries"), _p, "llm.retries", 0, 20);
                var delay = YamlValues.Number(map.Get("retry_base_delay"), _p, "llm.retry_base_delay", 0, 600);
                var backends = new List<LlmBackendDefinition>();
                switch (map.Get("backends"))
                {
                    case null:
                        _p.Add(map, "missing_field", "llm needs 'backends', e.g. backends: [{provider: ollama, base_url: \"http://127.0.0.1:11434\"}]");
                        break;
                    case YSequence seq:
                        var names = new HashSet<string>(StringComparer.Ordinal);
                        foreach (var item in seq.Items)
                        {
                            var b = ParseBackend(item);
                            if (b is null)
                            {
                                continue;
                            }
                            if (!names.Add(b.Name ?? b.Provider))
                            {
                                _p.Add(item, "duplicate_backend", $"two llm backends are named '{b.Name ?? b.Provider}'; give each a distinct 'name'");
                            }
                            backends.Add(b);
                        }
                        break;
                    case var other:
                        _p.Add(other, "invalid_type", "llm.backends must be a list");
                        break;
                }
                return new LlmSection
                {
                    Strategy = strategy,
                    Retries = (int)(retries ?? 3),
                    RetryBaseDelaySeconds = delay ?? 0.5,
                    Backends = backends,
                };
            }
            default:
                _p.Add(node, "invalid_type", "llm must be a mapping {strategy, retries, backends}");
                return null;
        }
    }

    private LlmBackendDefinition? ParseBackend(YNode node)
    {
        if (node is not YMapping map)
        {
            _p.Add(node, "invalid_type", "each llm backend must be a mapping {provider, base_url, …}");
            return null;
        }
        YamlValues.CheckKeys(map, _p, "an llm backend", BackendKeys);
        var provider = YamlValues.String(map.Get("provider"), _p, "llm backend provider");
        if (provider is null)
        {
            _p.Add(map, "missing_field", $"an llm backend needs 'provider' ({string.Join(", ", Providers)})");
            return null;
        }
        if (!Providers.Contains(provider))
        {
            _p.Add(map.Get("provider"), "invalid_value", $"llm provider '{provider}' is not one of {string.Join(", ", Providers)}");
            return null;
        }
        var baseUrl = YamlValues.String(map.Get("base_url"), _p, "base_url");
        if (baseUrl is not null && !(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            _p.Add(map.Get("base_url"), "invalid_value", $"base_url '{baseUrl}' must be an absolute http(s) URL");
        }
        var apiKey = YamlValues.String(map.Get("api_key"), _p, "api_key");
        var apiKeyEnv = YamlValues.String(map.Get("api_key_env"), _p, "api_key_env");
        var apiKeySecret = YamlValues.String(map.Get("api_key_secret"), _p, "api_key_secret");
        if ((apiKey is null ? 0 : 1) + (apiKeyEnv is null ? 0 : 1) + (apiKeySecret is null ? 0 : 1) > 1)
        {
            _p.Add(map, "invalid_value", "give at most one of api_key, api_key_env and api_key_secret");
        }
        return new LlmBackendDefinition
        {
            Provider = provider,
            Name = YamlValues.String(map.Get("name"), _p, "llm backend name"),
            BaseUrl = baseUrl,
            ApiKey = apiKey,
            ApiKeyEnv = apiKeyEnv,
            ApiKeySecret = apiKeySecret,
            Priority = (int)(YamlValues.Integer(map.Get("priority"), _p, "priority", 0, 1000) ?? 1),
            RateLimitTpm = (int?)YamlValues.Integer(map.Get("rate_limit_tpm"), _p, "rate_limit_tpm", 1, int.MaxValue),
            MaxConcurrent = (int)(YamlValues.Integer(map.Get("max_concurrent"), _p, "max_concurrent", 1, 10_000) ?? 10),
            TimeoutSeconds = YamlValues.Number(map.Get("timeout"), _p, "timeout", 0.001, 3600) ?? 60,
            Models = YamlValues.StringList(map.Get("models"), _p, "models"),
            Responses = Responses(map, provider),
            Line = map.Line,
            Column = map.Column,
        };
    }

    /// <summary><c>responses:</c> belongs to the offline mock backend alone.</summary>
    private IReadOnlyList<string> Responses(YMapping map, string provider)
    {
        if (map.Get("responses") is not { } node)
            return [];
        if (provider != "mock")
        {
            _p.Add(node, "invalid_value", $"'responses' is for provider: mock only (the offline test backend); a {provider} backend answers from its model");
            return [];
        }
        return YamlValues.StringList(node, _p, "responses");
    }
}
