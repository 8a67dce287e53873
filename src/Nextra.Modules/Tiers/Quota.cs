using System.Globalization;
using Nextra.Modules.Common;

namespace Nextra.Modules.Tiers;

/// <summary>
/// The <c>quota_exceeded</c> problem: 403, or 429 for the monthly executions (it clears by itself
/// at the start of the next UTC month). The detail names the limit, the tier and what to do.
/// </summary>
public static class Quota
{
    public const string Code = "quota_exceeded";
    public const string Title = "Quota exceeded";
    public const string SetTierHint = "move the tenant to a higher tier (nextra tenant set-tier)";

    public static ApiException Exceeded(string detail, int status = 403, string? limit = null, string? tier = null)
    {
        var ex = new ApiException(status, Code, Title, detail);
        if (limit is not null) ex.Extensions["limit"] = limit;
        if (tier is not null) ex.Extensions["tier"] = tier;
        return ex;
    }

    public static ApiException Flows(TierLimits tier) => Exceeded(
        $"The {tier.Name} tier allows {Plural(tier.Flows ?? 0, "flow")}; delete one or {SetTierHint}.", limit: "flows", tier: tier.Name);

    /// <summary>The start of the next UTC month: when the month's executions are counted from zero again.</summary>
    public static DateTimeOffset PeriodEnd(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
    }

    public static ApiException Executions(TierLimits tier, DateTimeOffset now)
    {
        var next = PeriodEnd(now);
        return Exceeded(
            $"The {tier.Name} tier allows {Plural(tier.ExecutionsPerMonth ?? 0, "execution")} a month and this month's are used; " +
            $"runs are accepted again from {next:yyyy-MM-dd} 00:00 UTC, or {SetTierHint}.", 429, "executions_per_month", tier.Name);
    }

    public static ApiException Modules(TierLimits tier, TiersOptions options) => tier.WasmModules is 0
        ? Exceeded($"Custom code needs {CodeTierHint(options)}: the {tier.Name} tier allows no WASM modules or code blocks; {SetTierHint}.",
            limit: "wasm_modules", tier: tier.Name)
        : Exceeded($"The {tier.Name} tier allows {Plural(tier.WasmModules ?? 0, "WASM module")}; delete one (every version of it) or {SetTierHint}.",
            limit: "wasm_modules", tier: tier.Name);

    public static ApiException Members(TierLimits tier) => Exceeded(
        $"The {tier.Name} tier allows {Plural(tier.TeamMembers ?? 0, "team member")}; remove one or {SetTierHint}.", limit: "team_members", tier: tier.Name);

    public static ApiException NoMemory(TierLimits tier) => Exceeded(
        $"Project memory is not available on the {tier.Name} tier; {SetTierHint}.", limit: "project_memory_mb", tier: tier.Name);

    public static ApiException KeepAlive(TierLimits tier) => Exceeded(
        $"The {tier.Name} tier does not allow keep-alive: idle flows sleep after {tier.IdleStopMinutes:0.#} minutes and wake on their next trigger; {SetTierHint}.",
        limit: "keep_alive", tier: tier.Name);

    /// <summary>"the pro tier" — the first configured tier (by the seed's order, then by name) that allows custom code.</summary>
    public static string CodeTierHint(TiersOptions options)
    {
        var order = new[] { TiersOptions.Free, TiersOptions.Paid, TiersOptions.Pro, TiersOptions.Enterprise };
        var first = options.Tiers.Values
            .Where(t => t.AllowsCode)
            .OrderBy(t => Array.IndexOf(order, t.Name) is var i && i < 0 ? int.MaxValue : i)
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return first is null ? "a tier that allows WASM modules" : $"the {first.Name} tier";
    }

    private static string Plural(long n, string noun) =>
        n == 1 ? $"1 {noun}" : $"{n.ToString("N0", CultureInfo.InvariantCulture)} {noun}s";
}
