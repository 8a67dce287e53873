namespace Nextra.Modules.Tiers;

/// <summary>
/// Metering: what a tenant used per UTC month, persisted (added to in place in the database by every instance, never
/// kept in one process). Runs, steps, WASM fuel and LLM tokens and cost are added when a run's trace commits; webhook
/// bytes when a webhook body is accepted.
/// </summary>
public interface IUsageMeter
{
    Task AddAsync(string tenantId, DateTimeOffset at, UsageDelta delta, CancellationToken ct = default);

    /// <summary>The month <paramref name="period"/> (<c>yyyy-MM</c>), zeros when nothing was used.</summary>
    Task<UsageMonth> GetAsync(string tenantId, string period, CancellationToken ct = default);

    /// <summary>The <paramref name="months"/> UTC months up to the one of <paramref name="now"/>, newest first, zeros included.</summary>
    Task<IReadOnlyList<UsageMonth>> HistoryAsync(string tenantId, int months, DateTimeOffset now, CancellationToken ct = default);
}

/// <summary>What one event adds. LLM cost in millionths of a US dollar, so sums stay exact.</summary>
public sealed record UsageDelta(long Runs = 0, long Steps = 0, long WasmFuel = 0, long LlmPromptTokens = 0, long LlmCompletionTokens = 0,
    long LlmCostMicros = 0, long WebhookBytesIn = 0)
{
    public bool IsEmpty => this == new UsageDelta();

    public static UsageDelta operator +(UsageDelta a, UsageDelta b) => new(a.Runs + b.Runs, a.Steps + b.Steps, a.WasmFuel + b.WasmFuel,
        a.LlmPromptTokens + b.LlmPromptTokens, a.LlmCompletionTokens + b.LlmCompletionTokens, a.LlmCostMicros + b.LlmCostMicros,
        a.WebhookBytesIn + b.WebhookBytesIn);
}

/// <summary>One month of a tenant's metered usage (<c>GET /api/usage</c> <c>meters</c>, <c>GET /api/usage/history</c>).</summary>
public sealed record UsageMonth(string Period, long Runs, long Steps, long WasmFuel, long LlmPromptTokens, long LlmCompletionTokens, decimal LlmCostUsd,
    long WebhookBytesIn)
{
    public static UsageMonth Empty(string period) => new(period, 0, 0, 0, 0, 0, 0, 0);
}
