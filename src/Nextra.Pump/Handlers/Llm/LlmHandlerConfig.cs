using System.Text.Json.Nodes;

namespace Nextra.Pump.Handlers.Llm;

/// <summary>A <c>handler: llm</c> listener's <c>config:</c>.</summary>
public sealed record LlmHandlerConfig
{
    public const string DefaultReplyPayload = "LlmReply";

    public required string Model { get; init; }
    public double? Temperature { get; init; }
    public int? MaxTokens { get; init; }
    /// <summary>Class that wraps plain-text answers (needs a string field, preferably <c>Text</c>).</summary>
    public string ReplyPayload { get; init; } = DefaultReplyPayload;
    /// <summary>Stream tokens into the run's live events (the result is the same either way).</summary>
    public bool Stream { get; init; } = true;

    /// <summary>Parses the config; problems are collected, never thrown.</summary>
    public static LlmHandlerConfig Parse(JsonObject? config, List<HandlerConfigProblem> problems)
    {
        var r = new ConfigReader(config, problems);
        r.RejectUnknown("llm", "model", "temperature", "max_tokens", "reply_payload", "stream");
        var model = r.String("model");
        if (string.IsNullOrWhiteSpace(model))
            r.Problem("llm_model_missing", "config.model is required (e.g. gpt-4o-mini)", "model");
        var temperature = r.Double("temperature");
        if (temperature is < 0 or > 2)
            r.Problem("invalid_value", "config.temperature must be between 0 and 2", "temperature");
        var maxTokens = r.Int("max_tokens");
        if (maxTokens is <= 0)
            r.Problem("invalid_value", "config.max_tokens must be positive", "max_tokens");
        return new LlmHandlerConfig
        {
            Model = model ?? "",
            Temperature = temperature,
            MaxTokens = maxTokens,
            ReplyPayload = r.String("reply_payload") ?? DefaultReplyPayload,
            Stream = r.Bool("stream") ?? true,
        };
    }
}
