using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Modules.Tiers.Stores;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>Monthly usage added in place, per tenant, on both providers.</summary>
public abstract class UsageStoreContract
{
    private const string T0 = "2026-01-01T00:00:00.0000000Z";

    protected abstract string Provider { get; }

    [ContractFact]
    public async Task Usage_AddedInPlace_ScopedByTenantAndMonth()
    {
        await using var h = await StoreHarness.CreateAsync(Provider, (s, _) =>
        {
            s.AddMigrations("accounts", typeof(AccountsModule).Assembly);
            s.AddMigrations("tiers", typeof(TiersModule).Assembly, after: "accounts");
            s.AddStore<IAccountStore, SqliteAccountStore, PostgresAccountStore>();
            s.AddStore<IUsageStore, SqliteUsageStore, PostgresUsageStore>();
        });
        foreach (var t in new[] { "t1", "t2" })
        {
            Assert.True(await h.Get<IAccountStore>().CreateTenantWithUserAsync(new TenantRow { Id = t, Name = t, CreatedAt = T0 },
                new UserRow { Id = "u" + t, TenantId = t, Email = t + "@example.com", PasswordHash = "h", Role = "owner", CreatedAt = T0, UpdatedAt = T0 }, false, default));
        }
        var store = h.Get<IUsageStore>();
        var meter = new UsageMeter(store);
        var jan = SqliteCommands.ParseIso(T0);
        // Concurrent adds (several instances) all land: the row is added to in the database, not read and rewritten.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => meter.AddAsync("t1", jan, new UsageDelta(Runs: 1, Steps: 3, LlmCostMicros: 250))));
        await meter.AddAsync("t1", jan.AddMonths(1), new UsageDelta(WasmFuel: 9, WebhookBytesIn: 12, LlmPromptTokens: 1, LlmCompletionTokens: 2));
        await meter.AddAsync("t2", jan, new UsageDelta(Runs: 5));

        Assert.Equal(new UsageMonth("2026-01", 20, 60, 0, 0, 0, 0.005m, 0), await meter.GetAsync("t1", "2026-01"));
        Assert.Equal(new UsageMonth("2026-02", 0, 0, 9, 1, 2, 0m, 12), await meter.GetAsync("t1", "2026-02"));
        Assert.Equal(UsageMonth.Empty("2026-03"), await meter.GetAsync("t1", "2026-03"));
        Assert.Equal(5, (await meter.GetAsync("t2", "2026-01")).Runs);
        var history = await meter.HistoryAsync("t1", 3, jan.AddMonths(1).AddDays(3));
        Assert.Equal(["2026-02", "2026-01", "2025-12"], history.Select(m => m.Period));
        Assert.Equal([0L, 20L, 0L], history.Select(m => m.Runs));
    }
}

public sealed class SqliteUsageStoreContract : UsageStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;
}

public sealed class PostgresUsageStoreContract : UsageStoreContract
{
    protected override string Provider => StorageProviders.Postgres;
}
