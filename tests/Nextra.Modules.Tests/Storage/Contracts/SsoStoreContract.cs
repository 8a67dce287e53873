using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Sso;
using Nextra.Modules.Sso.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>What <see cref="ISsoStore"/> must do on every provider: single-use requests and ids, tenant-scoped providers.</summary>
public abstract class SsoStoreContract
{
    private const string T0 = "2026-01-01T00:00:00.0000000Z";
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected abstract string Provider { get; }

    private async Task<StoreHarness> CreateAsync()
    {
        var h = await StoreHarness.CreateAsync(Provider, (s, _) =>
        {
            var asm = typeof(AccountsModule).Assembly;
            s.AddMigrations("accounts", asm);
            s.AddMigrations("sso", asm, after: "accounts");
            s.AddStore<IAccountStore, SqliteAccountStore, PostgresAccountStore>();
            s.AddStore<ISsoStore, SqliteSsoStore, PostgresSsoStore>();
            s.AddStore<IUserLifecycle, SqliteUserLifecycleStore, PostgresUserLifecycleStore>();
        });
        var accounts = h.Get<IAccountStore>();
        foreach (var t in new[] { "t1", "t2" })
        {
            await accounts.CreateTenantWithUserAsync(new TenantRow { Id = t, Name = "name-" + t, CreatedAt = T0 },
                new UserRow { Id = "u-" + t, TenantId = t, Email = t + "@example.com", PasswordHash = "x", Role = "owner", CreatedAt = T0, UpdatedAt = T0 },
                onlyIfNoUsers: false, default);
        }
        return h;
    }

    private static SsoRequestRow Request(string id, DateTimeOffset expires) => new()
    {
        Id = id, Provider = "corp", Nonce = "n-" + id, CodeVerifier = "v-" + id, ReturnUrl = "/flows", CreatedAt = T0,
        ExpiresAt = SqliteCommands.Iso(expires),
    };

    private static SsoProviderRow ProviderRow(string tenant, string name, string display = "Okta") => new()
    {
        Name = name, TenantId = tenant, Kind = "oidc", DisplayName = display, Settings = "{}", Secret = "c2VjcmV0", CreatedAt = T0, UpdatedAt = T0,
    };

    [ContractFact]
    public async Task Request_TakenOnce_ThenGone()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ISsoStore>();
        await store.SaveRequestAsync(Request("r1", Now.AddMinutes(10)), Now, default);

        var first = await store.TakeRequestAsync("r1", Now, default);
        var second = await store.TakeRequestAsync("r1", Now, default);

        Assert.NotNull(first);
        Assert.Equal("n-r1", first.Nonce);
        Assert.Equal("v-r1", first.CodeVerifier);
        Assert.Equal("/flows", first.ReturnUrl);
        Assert.Null(second);
    }

    [ContractFact]
    public async Task Request_Expired_NotReturned()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ISsoStore>();
        await store.SaveRequestAsync(Request("old", Now.AddMinutes(1)), Now, default);

        Assert.Null(await store.TakeRequestAsync("old", Now.AddMinutes(2), default));
    }

    [ContractFact]
    public async Task UseOnce_SecondTime_False()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ISsoStore>();

        Assert.True(await store.TryUseOnceAsync("saml", "a1", Now.AddMinutes(5), default));
        Assert.False(await store.TryUseOnceAsync("saml", "a1", Now.AddMinutes(5), default));
        Assert.True(await store.TryUseOnceAsync("svix", "a1", Now.AddMinutes(5), default));
    }

    [ContractFact]
    public async Task UseOnce_Released_UsableAgain()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ISsoStore>();
        Assert.True(await store.TryUseOnceAsync("svix", "m1", Now.AddDays(7), default));

        await store.ReleaseOnceAsync("svix", "m1", default);

        Assert.True(await store.TryUseOnceAsync("svix", "m1", Now.AddDays(7), default));
    }

    [ContractFact]
    public async Task TenantLink_FoundByOutsideId_GoneWithTheTenant()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ISsoStore>();
        Assert.Null(await store.FindTenantLinkAsync("clerk", "org_1", default));

        await store.LinkTenantAsync("clerk", "org_1", "t1", Now, default);
        Assert.Equal("t1", await store.FindTenantLinkAsync("clerk", "org_1", default));
        Assert.Null(await store.FindTenantLinkAsync("other", "org_1", default));

        Assert.True(await h.Get<IUserLifecycle>().DeleteTenantAsync("t1", default));
        Assert.Null(await store.FindTenantLinkAsync("clerk", "org_1", default));
    }

    [ContractFact]
    public async Task Lifecycle_EmailNameDisableRename()
    {
        await using var h = await CreateAsync();
        var life = h.Get<IUserLifecycle>();
        var accounts = h.Get<IAccountStore>();

        Assert.False(await life.SetEmailAsync("u-t1", "T2@example.com", Now, default)); // taken by u-t2
        Assert.True(await life.SetEmailAsync("u-t1", "New@Example.com", Now, default));
        Assert.Equal("u-t1", (await accounts.FindUserByEmailAsync("new@example.com", default))!.Id);
        await life.SetNameAsync("u-t1", "Ada", Now, default);
        Assert.True(await life.RenameTenantAsync("t1", "Renamed", default));
        Assert.Equal("Renamed", (await accounts.FindPrincipalAsync("t1", "u-t1", default))!.TenantName);

        Assert.True(await life.DisableAsync("u-t1", Now, default));
        Assert.Null(await accounts.FindPrincipalAsync("t1", "u-t1", default)); // a disabled user is nobody's principal
        Assert.NotNull(await accounts.FindPrincipalAsync("t2", "u-t2", default));
        Assert.False(await life.DisableAsync("nobody", Now, default));

        await life.CreateTenantAsync("t3", "Empty org", Now, default);
        Assert.True(await life.DeleteTenantAsync("t3", default));
        Assert.False(await life.DeleteTenantAsync("t3", default));
    }

    [ContractFact]
    public async Task Identity_LinkedAndRelinked()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ISsoStore>();
        Assert.Null(await store.FindIdentityAsync("corp", "sub", default));

        await store.LinkIdentityAsync("corp", "sub", "u-t1", Now, default);
        Assert.Equal("u-t1", await store.FindIdentityAsync("corp", "sub", default));
        await store.LinkIdentityAsync("corp", "sub", "u-t2", Now, default);
        Assert.Equal("u-t2", await store.FindIdentityAsync("corp", "sub", default));
    }

    [ContractFact]
    public async Task Providers_ScopedByTenant_NameHeldByOneTenant()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ISsoStore>();

        Assert.True(await store.UpsertProviderAsync(ProviderRow("t1", "okta"), default));
        Assert.True(await store.UpsertProviderAsync(ProviderRow("t1", "okta", "Okta 2"), default));
        Assert.False(await store.UpsertProviderAsync(ProviderRow("t2", "okta", "stolen"), default));

        Assert.Equal("Okta 2", Assert.Single(await store.ListProvidersAsync("t1", default)).DisplayName);
        Assert.Empty(await store.ListProvidersAsync("t2", default));
        Assert.Equal("t1", (await store.FindProviderAsync("okta", default))!.TenantId);
        Assert.Equal("c2VjcmV0", (await store.FindProviderAsync("okta", default))!.Secret);
        Assert.False(await store.DeleteProviderAsync("t2", "okta", default));
        Assert.True(await store.DeleteProviderAsync("t1", "okta", default));
        Assert.Null(await store.FindProviderAsync("okta", default));
    }

    [ContractFact]
    public async Task SsoRequired_PerTenant()
    {
        await using var h = await CreateAsync();
        var store = h.Get<ISsoStore>();
        Assert.False(await store.IsSsoRequiredAsync("t1", default));

        await store.SetSsoRequiredAsync("t1", true, Now, default);

        Assert.True(await store.IsSsoRequiredAsync("t1", default));
        Assert.False(await store.IsSsoRequiredAsync("t2", default));
        await store.SetSsoRequiredAsync("t1", false, Now, default);
        Assert.False(await store.IsSsoRequiredAsync("t1", default));
    }
}

public sealed class SqliteSsoStoreContract : SsoStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;
}

public sealed class PostgresSsoStoreContract : SsoStoreContract
{
    protected override string Provider => StorageProviders.Postgres;
}
