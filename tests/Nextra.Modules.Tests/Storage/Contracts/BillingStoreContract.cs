using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Billing;
using Nextra.Modules.Billing.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>Billing state (optimistic versions), Stripe events once, metered reports moved once, on both providers.</summary>
public abstract class BillingStoreContract
{
    private const string T0 = "2026-01-01T00:00:00.0000000Z";
    private static readonly DateTimeOffset At = SqliteCommands.ParseIso(T0);

    protected abstract string Provider { get; }

    private async Task<StoreHarness> CreateAsync()
    {
        var h = await StoreHarness.CreateAsync(Provider, (s, _) =>
        {
            s.AddMigrations("accounts", typeof(AccountsModule).Assembly);
            s.AddMigrations("billing", typeof(BillingModule).Assembly, after: "accounts");
            s.AddStore<IAccountStore, SqliteAccountStore, PostgresAccountStore>();
            s.AddStore<IBillingStore, SqliteBillingStore, PostgresBillingStore>();
        });
        var accounts = h.Get<IAccountStore>();
        foreach (var t in new[] { "t1", "t2" })
        {
            Assert.True(await accounts.CreateTenantWithUserAsync(new TenantRow { Id = t, Name = t, CreatedAt = T0 },
                new UserRow { Id = "u" + t, TenantId = t, Email = t + "@example.com", PasswordHash = "h", Role = "owner", CreatedAt = T0, UpdatedAt = T0 }, false, default));
        }
        return h;
    }

    [ContractFact]
    public async Task Events_ClaimedOnce_ReleasedClaimAgain()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IBillingStore>();
        Assert.True(await store.TryClaimEventAsync("evt_1", "invoice.paid", At, default));
        Assert.False(await store.TryClaimEventAsync("evt_1", "invoice.paid", At, default));
        Assert.True(await store.TryClaimEventAsync("evt_2", "invoice.paid", At, default));
        await store.ReleaseEventAsync("evt_1", default);
        Assert.True(await store.TryClaimEventAsync("evt_1", "invoice.paid", At, default));
    }

    [ContractFact]
    public async Task Accounts_SaveWithVersion_LoserMustReread()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IBillingStore>();
        Assert.Null(await store.GetAsync("t1", default));
        var first = new BillingAccount
        {
            TenantId = "t1", CustomerId = "cus_1", SubscriptionId = "sub_1", Status = BillingStatuses.Active, PlanTier = "pro", PriceId = "price_pro",
            CurrentPeriodEnd = At.AddDays(30), CancelAtPeriodEnd = true, StateAt = 17_000_000_000, UpdatedAt = At,
        };
        Assert.True(await store.SaveAsync(first, null, default));
        Assert.False(await store.SaveAsync(first, null, default)); // a second insert loses
        var read = (await store.GetAsync("t1", default))!;
        Assert.Equal(first with { Version = 1 }, read);
        Assert.True(await store.SaveAsync(read with { Status = BillingStatuses.PastDue, PastDueSince = At.AddDays(2) }, read.Version, default));
        Assert.False(await store.SaveAsync(read with { Status = BillingStatuses.Canceled }, read.Version, default)); // stale version
        var now = (await store.GetAsync("t1", default))!;
        Assert.Equal((BillingStatuses.PastDue, At.AddDays(2), 2L), (now.Status, now.PastDueSince, now.Version));
        // Scoped: the other tenant has nothing.
        Assert.Null(await store.GetAsync("t2", default));
        Assert.Equal("t1", await store.TenantOfCustomerAsync("cus_1", default));
        Assert.Null(await store.TenantOfCustomerAsync("cus_2", default));
        Assert.Equal(["t1"], (await store.ListPastDueAsync(default)).Select(a => a.TenantId));
        Assert.Equal(["t1"], (await store.ListSubscribedAsync(["pro"], default)).Select(a => a.TenantId));
        Assert.Empty(await store.ListSubscribedAsync(["paid"], default));
    }

    [ContractFact]
    public async Task Accounts_CustomerIdBelongsToOneTenant()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IBillingStore>();
        Assert.True(await store.SaveAsync(new BillingAccount { TenantId = "t1", CustomerId = "cus_1", UpdatedAt = At }, null, default));
        await Assert.ThrowsAnyAsync<Exception>(() => store.SaveAsync(new BillingAccount { TenantId = "t2", CustomerId = "cus_1", UpdatedAt = At }, null, default));
    }

    [ContractFact]
    public async Task MeterReports_MovedOnceFromWhatWasRead()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IBillingStore>();
        Assert.Equal(0, await store.ReportedAsync("t1", "2026-01", default));
        Assert.True(await store.SetReportedAsync("t1", "2026-01", 0, 5, At, default));
        Assert.False(await store.SetReportedAsync("t1", "2026-01", 0, 5, At, default)); // another instance already moved it
        Assert.True(await store.SetReportedAsync("t1", "2026-01", 5, 9, At, default));
        Assert.Equal(9, await store.ReportedAsync("t1", "2026-01", default));
        Assert.Equal(0, await store.ReportedAsync("t2", "2026-01", default));
        Assert.Equal(0, await store.ReportedAsync("t1", "2026-02", default));
    }
}

public sealed class SqliteBillingStoreContract : BillingStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;
}

public sealed class PostgresBillingStoreContract : BillingStoreContract
{
    protected override string Provider => StorageProviders.Postgres;
}
