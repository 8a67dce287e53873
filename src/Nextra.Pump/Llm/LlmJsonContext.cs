using System.Text.Json.Serialization;

namespace Nextra.Pump.Llm;

internal sealed record WireMessage(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string Content);

internal sealed record OpenAiStreamOptions([property: JsonPropertyName("include_usage")] bool IncludeUsage);

internal sealed record OpenAiChatBody
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("messages")] public required IReadOnlyList<WireMessage> Messages { get; init; }
    [JsonPropertyName("temperature")] public double? Temperature { get; init; }
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; init; }
    [JsonPropertyName("stream")] public bool Stream { get; init; }
    [JsonPropertyName("stream_options")] public OpenAiStreamOptions? StreamOptions { get; init; }
}

internal sealed record AnthropicBody
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("system")] public string? System { get; init; }
    [JsonPropertyName("messages")] public required IReadOnlyList<WireMessage> Messages { get; init; }
    [JsonPropertyName("max_tokens")] public int MaxTokens { get; init; }
    [JsonPropertyName("temperature")] public double? Temperature { get; init; }
    [JsonPropertyName("stream")] public bool Stream { get; init; }
}

/// <summary>Source-generated serializers for request bodies (AOT-safe, no reflection).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenAiChatBody))]
[JsonSerializable(typeof(AnthropicBody))]
internal sealed partial class LlmJsonContext : JsonSerializerContext;
