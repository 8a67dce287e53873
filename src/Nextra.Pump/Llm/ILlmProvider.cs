namespace Nextra.Pump.Llm;

/// <summary>One wire protocol (OpenAI chat completions, Anthropic messages).</summary>
public interface ILlmProvider
{
    /// <summary>
    /// One attempt against one backend. Throws <see cref="LlmProviderException"/> for provider-side failures;
    /// <see cref="Net.EgressException"/> for guard refusals and timeouts. Calls <paramref name="onToken"/> per streamed chunk.
    /// </summary>
    Task<ChatCompletion> CompleteAsync(LlmBackend backend, ChatRequest request, Action<string>? onToken, HttpClient http,
        TimeProvider time, CancellationToken ct);
}
