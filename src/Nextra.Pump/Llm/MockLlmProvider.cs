namespace Nextra.Pump.Llm;

/// <summary>
/// <c>provider: mock</c>: a deterministic, offline backend so a newcomer (and every template's test) can
/// run an agent flow without a key. It answers from the backend's <c>responses:</c> list (the n-th
/// answer of a conversation is <c>responses[n mod count]</c>, n counting the assistant turns already in
/// it), else echoes the incoming payload as the first peer's class (<see cref="ChatRequest.Echo"/>).
/// </summary>
public sealed class MockLlmProvider : ILlmProvider
{
    public static readonly MockLlmProvider Instance = new();

    public Task<ChatCompletion> CompleteAsync(LlmBackend backend, ChatRequest request, Action<string>? onToken, HttpClient http,
        TimeProvider time, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var responses = backend.Definition.Responses;
        string text;
        if (responses.Count > 0)
        {
            var turn = request.Messages.Count(m => m.Role == "assistant");
            text = responses[turn % responses.Count];
        }
        else
        {
            text = request.Echo?.Invoke() ?? request.Messages.LastOrDefault(m => m.Role == "user")?.Content ?? "";
        }
        onToken?.Invoke(text);
        var prompt = request.Messages.Sum(m => m.Content.Length) / 4;
        return Task.FromResult(new ChatCompletion
        {
            Text = text,
            Model = request.Model,
            Backend = backend.Name,
            PromptTokens = Math.Max(1, prompt),
            CompletionTokens = Math.Max(1, text.Length / 4),
            UsageEstimated = true,
        });
    }
}
