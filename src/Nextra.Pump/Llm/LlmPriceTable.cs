namespace Nextra.Pump.Llm;

/// <summary>
/// Estimated USD per million tokens (input, output), matched by the longest model-name prefix.
/// Estimates only: list prices drift, so unknown models cost null rather than a guess.
/// </summary>
public sealed class LlmPriceTable
{
    private readonly List<(string Prefix, decimal Input, decimal Output)> _prices;

    public LlmPriceTable(IEnumerable<(string Prefix, decimal InputPerMillion, decimal OutputPerMillion)> prices) =>
        _prices = prices.OrderByDescending(p => p.Prefix.Length).ToList();

    /// <summary>The library's table (§4.6) plus a few current names.</summary>
    public static LlmPriceTable Default { get; } = new(
    [
        ("grok-4.1", 3m, 15m), ("grok-4", 3m, 15m), ("grok-3-mini", 0.3m, 0.5m), ("grok-3", 3m, 15m),
        ("claude-opus-4", 15m, 75m), ("claude-sonnet-4", 3m, 15m), ("claude-3-5-sonnet", 3m, 15m), ("claude-3-5-haiku", 0.8m, 4m),
        ("claude-haiku-4", 1m, 5m),
        ("gpt-4o-mini", 0.15m, 0.6m), ("gpt-4o", 2.5m, 10m), ("gpt-4.1-mini", 0.4m, 1.6m), ("gpt-4.1-nano", 0.1m, 0.4m), ("gpt-4.1", 2m, 8m),
        ("o3-mini", 1.1m, 4.4m), ("o4-mini", 1.1m, 4.4m), ("o3", 2m, 8m), ("o1", 15m, 60m),
    ]);

    /// <summary>Cost of one call, or null when the model is not in the table. Self-hosted (ollama) calls cost 0.</summary>
    public decimal? Estimate(string provider, string model, int promptTokens, int completionTokens)
    {
        if (provider == "ollama")
            return 0m;
        foreach (var (prefix, input, output) in _prices)
        {
            if (model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                return Math.Round((promptTokens * input + completionTokens * output) / 1_000_000m, 8);
        }
        return null;
    }
}
