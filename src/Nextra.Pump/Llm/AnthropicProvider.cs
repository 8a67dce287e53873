using System.Text;
using System.Text.Json;

namespace Nextra.Pump.Llm;

/// <summary>Anthropic messages API (<c>POST {base}/messages</c>, <c>x-api-key</c>, version 2023-06-01).</summary>
public sealed class AnthropicProvider : ILlmProvider
{
    public const string ApiVersion = "2023-06-01";
    /// <summary>The API requires max_tokens; the library's default.</summary>
    public const int DefaultMaxTokens = 4096;

    public static AnthropicProvider Instance { get; } = new();

    public Task<ChatCompletion> CompleteAsync(LlmBackend backend, ChatRequest request, Action<string>? onToken, HttpClient http,
        TimeProvider time, CancellationToken ct)
    {
        var (system, messages) = Shape(request.Messages);
        var body = new AnthropicBody
        {
            Model = request.Model,
            System = system,
            Messages = messages,
            MaxTokens = request.MaxTokens ?? DefaultMaxTokens,
            Temperature = request.Temperature,
            Stream = request.Stream,
        };
        return ProviderHttp.PostAsync(http, backend, "messages", body, LlmJsonContext.Default.AnthropicBody, request.Stream,
            message =>
            {
                if (!string.IsNullOrEmpty(backend.ApiKey))
                    message.Headers.TryAddWithoutValidation("x-api-key", backend.ApiKey);
                message.Headers.TryAddWithoutValidation("anthropic-version", ApiVersion);
            },
            (response, token) => ReadStreamAsync(backend, request, response, onToken, token),
            (response, token) => ReadWholeAsync(backend, request, response, onToken, token), time, ct);
    }

    /// <summary>
    /// System messages are lifted into <c>system</c> (all of them, joined — the library kept only the last,
    /// which would drop the usage instructions); the rest must alternate user/assistant and start with user,
    /// so neighbours with the same role are merged.
    /// </summary>
    internal static (string? System, List<WireMessage> Messages) Shape(IReadOnlyList<ChatMessage> input)
    {
        var system = string.Join("\n\n", input.Where(m => m.Role == "system").Select(m => m.Content));
        var messages = new List<WireMessage>();
        foreach (var m in input.Where(m => m.Role != "system"))
        {
            var role = m.Role == "assistant" ? "assistant" : "user";
            if (messages.Count == 0 && role == "assistant")
                messages.Add(new WireMessage("user", "(conversation so far)"));
            if (messages.Count > 0 && messages[^1].Role == role)
                messages[^1] = messages[^1] with { Content = messages[^1].Content + "\n\n" + m.Content };
            else
                messages.Add(new WireMessage(role, m.Content));
        }
        if (messages.Count == 0)
            messages.Add(new WireMessage("user", "(no input)"));
        return (system.Length == 0 ? null : system, messages);
    }

    private static async Task<ChatCompletion> ReadWholeAsync(LlmBackend backend, ChatRequest request, HttpResponseMessage response,
        Action<string>? onToken, CancellationToken ct)
    {
        using var doc = await ProviderHttp.ReadJsonAsync(response, ct).ConfigureAwait(false);
        var root = doc.RootElement;
        var content = ProviderHttp.Prop(root, "content");
        if (content.ValueKind != JsonValueKind.Array)
            throw ProviderHttp.Malformed("no content array");
        // Only text blocks carry the answer (tool_use/thinking blocks are not ours to route).
        var text = string.Concat(content.EnumerateArray()
            .Where(b => ProviderHttp.Str(b, "type") == "text")
            .Select(b => ProviderHttp.Str(b, "text") ?? ""));
        if (text.Length > 0)
            onToken?.Invoke(text);
        var usage = ProviderHttp.Prop(root, "usage");
        return Build(backend, request, ProviderHttp.Str(root, "model"), text, ProviderHttp.Int(usage, "input_tokens"), ProviderHttp.Int(usage, "output_tokens"));
    }

    private static async Task<ChatCompletion> ReadStreamAsync(LlmBackend backend, ChatRequest request, HttpResponseMessage response,
        Action<string>? onToken, CancellationToken ct)
    {
        var text = new StringBuilder();
        string? model = null;
        int? input = null, output = null;
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await foreach (var sse in SseReader.ReadAsync(stream, ct).ConfigureAwait(false))
        {
            using (var doc = ProviderHttp.ParseEvent(sse.Data, $"event {sse.Event}"))
            {
                var root = doc.RootElement;
                switch (ProviderHttp.Str(root, "type") ?? sse.Event)
                {
                    case "message_start":
                        var msg = ProviderHttp.Prop(root, "message");
                        model = ProviderHttp.Str(msg, "model");
                        input = ProviderHttp.Int(ProviderHttp.Prop(msg, "usage"), "input_tokens");
                        output = ProviderHttp.Int(ProviderHttp.Prop(msg, "usage"), "output_tokens");
                        break;
                    case "content_block_delta":
                        var delta = ProviderHttp.Prop(root, "delta");
                        if (ProviderHttp.Str(delta, "type") == "text_delta" && ProviderHttp.Str(delta, "text") is { Length: > 0 } piece)
                        {
                            text.Append(piece);
                            onToken?.Invoke(piece);
                        }
                        break;
                    case "message_delta":
                        output = ProviderHttp.Int(ProviderHttp.Prop(root, "usage"), "output_tokens") ?? output;
                        break;
                    case "error":
                        var error = ProviderHttp.Prop(root, "error");
                        var kind = ProviderHttp.Str(error, "type") == "rate_limit_error" ? LlmFailureKind.RateLimited : LlmFailureKind.Server;
                        throw new LlmProviderException(kind, $"stream error: {ProviderHttp.Str(error, "message")}");
                    case "message_stop":
                        return Build(backend, request, model, text.ToString(), input, output);
                }
            }
        }
        return Build(backend, request, model, text.ToString(), input, output);
    }

    private static ChatCompletion Build(LlmBackend backend, ChatRequest request, string? model, string text, int? input, int? output) =>
        ProviderHttp.Completion(backend, request, model, text, input, output);
}
