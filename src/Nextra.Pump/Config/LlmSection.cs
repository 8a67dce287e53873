namespace Nextra.Pump.Config;

/// <summary>The flow's <c>llm:</c> section (xml-pipeline §4.5).</summary>
public sealed class LlmSection
{
    /// <summary>failover | round-robin | least-loaded.</summary>
    public string Strategy { get; init; } = "failover";
    public int Retries { get; init; } = 3;
    public double RetryBaseDelaySeconds { get; init; } = 0.5;
    public required IReadOnlyList<LlmBackendDefinition> Backends { get; init; }
}

public sealed class LlmBackendDefinition
{
    /// <summary>openai | xai | anthropic | ollama | mock.</summary>
    public required string Provider { get; init; }
    public string? Name { get; init; }
    public string? BaseUrl { get; init; }
    public string? ApiKey { get; init; }
    public string? ApiKeyEnv { get; init; }
    public string? ApiKeySecret { get; init; }
    public int Priority { get; init; } = 1;
    public int? RateLimitTpm { get; init; }
    public int MaxConcurrent { get; init; } = 10;
    public double TimeoutSeconds { get; init; } = 60;
    /// <summary>Model-name patterns this backend serves (glob with *); empty = provider defaults.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];
    /// <summary><c>provider: mock</c> only: the answers it gives, in turn (empty = echo; see MockLlmProvider).</summary>
    public IReadOnlyList<string> Responses { get; init; } = [];
    /// <summary>Where the backend is in the YAML (for warnings about it).</summary>
    public int Line { get; init; }
    public int Column { get; init; }
}
