using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Accounts;

/// <summary>API keys against a real SQLite database: hashed at rest, shown once, prefix-listed, revocable.</summary>
public sealed class ApiKeyServiceTests : IAsyncLifetime
{
    private readonly TempDataDir _dir = new();
    private SqliteConnectionFactory _db = null!;
    private ApiKeyService _keys = null!;
    private AccountService _accounts = null!;

    public async Task InitializeAsync()
    {
        var storage = Options.Create(new StorageOptions { DataDir = _dir.Path });
        _db = new SqliteConnectionFactory(storage);
        await new SqliteMigrationRunner(_db, [new MigrationSource("accounts", typeof(AccountsModule).Assembly, "nextra", "accounts")],
            storage, TimeProvider.System, NullLogger<SqliteMigrationRunner>.Instance).ApplyAsync();
        var accountsStore = new SqliteAccountStore(_db);
        var options = Options.Create(new AccountsOptions { PasswordIterations = 1000 });
        _accounts = new AccountService(accountsStore, new SqliteSessionStore(_db), new SqliteMembershipStore(_db), new PasswordHasher(options), new SetupTokens(new SqliteSetupTokenStore(_db), TimeProvider.System), options,
            Nextra.Modules.Tiers.ConfiguredTiers.From(new Nextra.Modules.Tiers.TiersOptions()), TimeProvider.System);
        _keys = new ApiKeyService(new SqliteApiKeyStore(_db), accountsStore, TimeProvider.System);
    }

    [Fact]
    public async Task Create_StoresOnlyTheHash()
    {
        var user = await _accounts.CreateUserAsync("k@example.test", "long password", null, null, CancellationToken.None);

        var (row, key) = await _keys.CreateAsync(user.TenantId, user.UserId, "ci", CancellationToken.None);

        await using var conn = await _db.OpenAsync();
        var stored = await conn.QuerySingleAsync<string>("SELECT key_hash || '|' || prefix FROM api_keys WHERE id = @id", new { id = row.Id });
        Assert.DoesNotContain(key, stored, StringComparison.Ordinal);
        Assert.Equal(64 + 1 + ApiKeys.PrefixLength, stored.Length);
        Assert.StartsWith(row.Prefix, key, StringComparison.Ordinal);
        Assert.StartsWith("nxk_", key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_RightKey_ReturnsOwner()
    {
        var user = await _accounts.CreateUserAsync("a@example.test", "long password", "T", Role.Editor, CancellationToken.None);
        var (_, key) = await _keys.CreateAsync(user.TenantId, user.UserId, null, CancellationToken.None);

        var who = await _keys.AuthenticateAsync(key, CancellationToken.None);

        Assert.NotNull(who);
        Assert.Equal(user.UserId, who.UserId);
        Assert.Equal(Role.Editor, who.Role);
        Assert.Equal("apikey", who.Scheme);
    }

    [Fact]
    public async Task Authenticate_SamePrefixWrongSecret_Null()
    {
        var user = await _accounts.CreateUserAsync("b@example.test", "long password", null, null, CancellationToken.None);
        var (_, key) = await _keys.CreateAsync(user.TenantId, user.UserId, null, CancellationToken.None);
        var forged = key[..ApiKeys.PrefixLength] + new string('A', key.Length - ApiKeys.PrefixLength);

        Assert.Null(await _keys.AuthenticateAsync(forged, CancellationToken.None));
        Assert.Null(await _keys.AuthenticateAsync("not-a-key", CancellationToken.None));
    }

    [Fact]
    public async Task Revoke_ThenAuthenticate_Null()
    {
        var user = await _accounts.CreateUserAsync("c@example.test", "long password", null, null, CancellationToken.None);
        var (row, key) = await _keys.CreateAsync(user.TenantId, user.UserId, null, CancellationToken.None);

        await _keys.RevokeAsync(user.TenantId, user.UserId, row.Id, CancellationToken.None);

        Assert.Null(await _keys.AuthenticateAsync(key, CancellationToken.None));
        Assert.Empty(await _keys.ListAsync(user.TenantId, user.UserId, CancellationToken.None));
        await Assert.ThrowsAsync<ApiException>(() => _keys.RevokeAsync(user.TenantId, user.UserId, row.Id, CancellationToken.None));
    }

    [Fact]
    public async Task CreateUser_DuplicateEmailAnyCase_Conflict()
    {
        await _accounts.CreateUserAsync("dup@example.test", "long password", null, null, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<ApiException>(() => _accounts.CreateUserAsync("DUP@example.test", "long password", null, null, CancellationToken.None));

        Assert.Equal(409, ex.Status);
    }

    [Fact]
    public async Task CreateUser_ExistingTenant_JoinsAsEditorByDefault()
    {
        var owner = await _accounts.CreateUserAsync("o@example.test", "long password", "Team", null, CancellationToken.None);

        var member = await _accounts.CreateUserAsync("m@example.test", "long password", "Team", null, CancellationToken.None);

        Assert.Equal(Role.Owner, owner.Role);
        Assert.Equal(Role.Editor, member.Role);
        Assert.Equal(owner.TenantId, member.TenantId);
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
