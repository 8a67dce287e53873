namespace Nextra.Pump.Llm;

/// <summary>One chat message; Role is system | user | assistant.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>What an agent asks of the router.</summary>
public sealed record ChatRequest
{
    public required string Model { get; init; }
    public required IReadOnlyList<ChatMessage> Messages { get; init; }
    public double? Temperature { get; init; }
    public int? MaxTokens { get; init; }
    public bool Stream { get; init; } = true;
    /// <summary>What the offline mock backend answers when it has no <c>responses:</c> (the incoming payload as the first peer's class).</summary>
    public Func<string?>? Echo { get; init; }
}

/// <summary>A finished completion with the tokens the provider reported (or estimated when it reported none).</summary>
public sealed record ChatCompletion
{
    public required string Text { get; init; }
    public required string Model { get; init; }
    public required string Backend { get; init; }
    public int PromptTokens { get; init; }
    public int CompletionTokens { get; init; }
    /// <summary>True when the provider reported no usage and the counts are chars/4 estimates.</summary>
    public bool UsageEstimated { get; init; }
    /// <summary>Attempts made, the failed ones first (for the run trace).</summary>
    public int Attempts { get; init; } = 1;
}
