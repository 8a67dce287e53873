using System.Data.Common;

namespace Nextra.Modules.Tiers.Stores;

/// <summary>The SQL both providers share, and the row mapping.</summary>
internal static class UsageSql
{
    public const string Add = """
        INSERT INTO usage_months (tenant_id, period, runs, steps, wasm_fuel, llm_prompt_tokens, llm_completion_tokens, llm_cost_micros, webhook_bytes_in)
        VALUES (@tenant, @period, @runs, @steps, @fuel, @pt, @ct, @cost, @bytes)
        ON CONFLICT (tenant_id, period) DO UPDATE SET runs = usage_months.runs + excluded.runs, steps = usage_months.steps + excluded.steps,
            wasm_fuel = usage_months.wasm_fuel + excluded.wasm_fuel, llm_prompt_tokens = usage_months.llm_prompt_tokens + excluded.llm_prompt_tokens,
            llm_completion_tokens = usage_months.llm_completion_tokens + excluded.llm_completion_tokens,
            llm_cost_micros = usage_months.llm_cost_micros + excluded.llm_cost_micros, webhook_bytes_in = usage_months.webhook_bytes_in + excluded.webhook_bytes_in
        """;

    public const string Range = """
        SELECT period, runs, steps, wasm_fuel, llm_prompt_tokens, llm_completion_tokens, llm_cost_micros, webhook_bytes_in
        FROM usage_months WHERE tenant_id = @tenant AND period >= @from AND period <= @to ORDER BY period DESC
        """;

    public static (string, object?)[] Args(string tenantId, string period, UsageDelta d) =>
    [
        ("tenant", tenantId), ("period", period), ("runs", d.Runs), ("steps", d.Steps), ("fuel", d.WasmFuel), ("pt", d.LlmPromptTokens),
        ("ct", d.LlmCompletionTokens), ("cost", d.LlmCostMicros), ("bytes", d.WebhookBytesIn),
    ];

    public static UsageMonth Map(DbDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6) / 1_000_000m, r.GetInt64(7));
}
