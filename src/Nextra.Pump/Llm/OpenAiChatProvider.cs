using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Nextra.Pump.Llm;

/// <summary>OpenAI chat completions (<c>POST {base}/chat/completions</c>): OpenAI, xAI, Ollama /v1, vLLM, llama.cpp.</summary>
public sealed class OpenAiChatProvider : ILlmProvider
{
    public static OpenAiChatProvider Instance { get; } = new();

    public Task<ChatCompletion> CompleteAsync(LlmBackend backend, ChatRequest request, Action<string>? onToken, HttpClient http,
        TimeProvider time, CancellationToken ct)
    {
        var body = new OpenAiChatBody
        {
            Model = request.Model,
            Messages = request.Messages.Select(m => new WireMessage(m.Role, m.Content)).ToList(),
            Temperature = request.Temperature,
            MaxTokens = request.MaxTokens,
            Stream = request.Stream,
            StreamOptions = request.Stream ? new OpenAiStreamOptions(true) : null,
        };
        return ProviderHttp.PostAsync(http, backend, "chat/completions", body, LlmJsonContext.Default.OpenAiChatBody, request.Stream,
            message =>
            {
                if (!string.IsNullOrEmpty(backend.ApiKey))
                    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", backend.ApiKey);
            },
            (response, token) => ReadStreamAsync(backend, request, response, onToken, token),
            (response, token) => ReadWholeAsync(backend, request, response, onToken, token), time, ct);
    }

    private static async Task<ChatCompletion> ReadWholeAsync(LlmBackend backend, ChatRequest request, HttpResponseMessage response,
        Action<string>? onToken, CancellationToken ct)
    {
        using var doc = await ProviderHttp.ReadJsonAsync(response, ct).ConfigureAwait(false);
        var root = doc.RootElement;
        var choices = ProviderHttp.Prop(root, "choices");
        if (choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            throw ProviderHttp.Malformed("no choices");
        var msg = ProviderHttp.Prop(choices[0], "message");
        var content = ProviderHttp.Prop(msg, "content");
        if (content.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            throw ProviderHttp.Malformed("choices[0].message.content is missing");
        var text = content.ValueKind == JsonValueKind.String ? content.GetString() ?? "" : "";
        if (text.Length > 0)
            onToken?.Invoke(text);
        return Build(backend, request, ProviderHttp.Str(root, "model"), text, ProviderHttp.Prop(root, "usage"));
    }

    private static async Task<ChatCompletion> ReadStreamAsync(LlmBackend backend, ChatRequest request, HttpResponseMessage response,
        Action<string>? onToken, CancellationToken ct)
    {
        var text = new StringBuilder();
        string? model = null;
        JsonElement usage = default;
        JsonDocument? usageDoc = null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await foreach (var sse in SseReader.ReadAsync(stream, ct).ConfigureAwait(false))
            {
                if (sse.Data == "[DONE]")
                    break;
                var doc = ProviderHttp.ParseEvent(sse.Data, "chunk");
                var root = doc.RootElement;
                if (ProviderHttp.Prop(root, "error") is { ValueKind: JsonValueKind.Object } error)
                    throw new LlmProviderException(LlmFailureKind.Server, $"stream error: {ProviderHttp.Str(error, "message")}");
                model ??= ProviderHttp.Str(root, "model");
                if (ProviderHttp.Prop(root, "choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                    && ProviderHttp.Str(ProviderHttp.Prop(choices[0], "delta"), "content") is { Length: > 0 } piece)
                {
                    text.Append(piece);
                    onToken?.Invoke(piece);
                }
                if (ProviderHttp.Prop(root, "usage") is { ValueKind: JsonValueKind.Object } u)
                {
                    usageDoc?.Dispose();
                    usageDoc = doc;
                    usage = u;
                }
                else
                    doc.Dispose();
            }
            return Build(backend, request, model, text.ToString(), usage);
        }
        finally
        {
            usageDoc?.Dispose();
        }
    }

    private static ChatCompletion Build(LlmBackend backend, ChatRequest request, string? model, string text, JsonElement usage) =>
        ProviderHttp.Completion(backend, request, model, text, ProviderHttp.Int(usage, "prompt_tokens"), ProviderHttp.Int(usage, "completion_tokens"));
}
