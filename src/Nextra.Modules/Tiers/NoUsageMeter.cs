namespace Nextra.Modules.Tiers;

/// <summary>Usage not metered: the registration of a module composed without the Tiers module's database.</summary>
internal sealed class NoUsageMeter : IUsageMeter
{
    public Task AddAsync(string tenantId, DateTimeOffset at, UsageDelta delta, CancellationToken ct = default) => Task.CompletedTask;

    public Task<UsageMonth> GetAsync(string tenantId, string period, CancellationToken ct = default) => Task.FromResult(UsageMonth.Empty(period));

    public Task<IReadOnlyList<UsageMonth>> HistoryAsync(string tenantId, int months, DateTimeOffset now, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<UsageMonth>>([]);
}
