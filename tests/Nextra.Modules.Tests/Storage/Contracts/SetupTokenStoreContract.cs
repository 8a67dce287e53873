using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>The first-user setup tokens in the shared database: any issued, unexpired token works exactly once, on both providers.</summary>
public abstract class SetupTokenStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected abstract string Provider { get; }

    private Task<StoreHarness> CreateAsync() => StoreHarness.CreateAsync(Provider, (s, _) =>
    {
        s.AddMigrations("accounts", typeof(AccountsModule).Assembly);
        s.AddStore<ISetupTokenStore, SqliteSetupTokenStore, PostgresSetupTokenStore>();
    });

    [ContractFact]
    public async Task TryConsume_IssuedToken_TrueOnceOnAnyStoreOfTheDatabase()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ISetupTokenStore>();
        await store.AddAsync("hash-a", T0, T0.AddHours(24), default);
        await store.AddAsync("hash-b", T0, T0.AddHours(24), default); // a second instance's link

        Assert.False(await store.TryConsumeAsync("hash-unknown", T0.AddMinutes(1), default));
        Assert.True(await store.TryConsumeAsync("hash-b", T0.AddMinutes(1), default));
        Assert.False(await store.TryConsumeAsync("hash-b", T0.AddMinutes(2), default));
        Assert.True(await store.TryConsumeAsync("hash-a", T0.AddMinutes(2), default));
    }

    [ContractFact]
    public async Task TryConsume_ExpiredToken_FalseAndDroppedByTheNextIssue()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ISetupTokenStore>();
        await store.AddAsync("hash-old", T0, T0.AddHours(1), default);
        Assert.False(await store.TryConsumeAsync("hash-old", T0.AddHours(1), default));
        await store.AddAsync("hash-new", T0.AddHours(2), T0.AddHours(3), default);
        Assert.False(await store.TryConsumeAsync("hash-old", T0, default)); // even with a clock set back: it was dropped
        Assert.True(await store.TryConsumeAsync("hash-new", T0.AddHours(2), default));
    }

    [ContractFact]
    public async Task TryConsume_Raced_ExactlyOneWins()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ISetupTokenStore>();
        await store.AddAsync("hash-race", T0, T0.AddHours(24), default);
        var wins = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.TryConsumeAsync("hash-race", T0.AddMinutes(1), default))));
        Assert.Equal(1, wins.Count(w => w));
    }
}

public sealed class SqliteSetupTokenStoreContract : SetupTokenStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;
}

public sealed class PostgresSetupTokenStoreContract : SetupTokenStoreContract
{
    protected override string Provider => StorageProviders.Postgres;
}
