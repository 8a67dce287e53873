namespace Nextra.Modules.Tiers;

/// <summary>
/// Per-tenant counters with a limit (executions per month, and any other counted quota). A reservation is atomic
/// across everything that shares the counter: embedded, this process (seeded from the durable count); hosted, every
/// instance (Redis), while the durable count stays in the database. A reservation whose work was not written is
/// given back with <see cref="ReleaseAsync"/>.
/// </summary>
public interface IQuotaCounter
{
    /// <summary>Adds one to <paramref name="counter"/> of the tenant's <paramref name="period"/> unless it already holds <paramref name="limit"/> (null = no limit); false when refused.</summary>
    ValueTask<bool> TryReserveAsync(string tenantId, string counter, string period, long? limit, CancellationToken ct = default);

    /// <summary>Gives one back.</summary>
    ValueTask ReleaseAsync(string tenantId, string counter, string period, CancellationToken ct = default);

    /// <summary>The counter's value for the period.</summary>
    ValueTask<long> GetAsync(string tenantId, string counter, string period, CancellationToken ct = default);
}

/// <summary>The durable value of a counter (the database), which the shared counter starts from for a period.</summary>
public interface IQuotaCountSource
{
    /// <summary>The counter this source knows, e.g. <see cref="QuotaCounters.Executions"/>.</summary>
    string Counter { get; }

    Task<long> DurableCountAsync(string tenantId, string period, CancellationToken ct);
}

/// <summary>Counter names and periods.</summary>
public static class QuotaCounters
{
    /// <summary>Runs accepted per tenant per UTC month (the inbox counts them durably with each row).</summary>
    public const string Executions = "executions";

    /// <summary>The UTC month key of a monthly counter, e.g. <c>2026-11</c>.</summary>
    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}
