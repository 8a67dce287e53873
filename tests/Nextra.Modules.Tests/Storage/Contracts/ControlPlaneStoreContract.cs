using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Flows.Stores;
using Nextra.Modules.Memory.Stores;
using Nextra.Modules.Secrets.Stores;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers.Stores;
using Nextra.Modules.WasmModules.Stores;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>
/// What every control-plane store must do (tenants, users, sessions, API keys, tiers, flows and versions, secrets,
/// project memory, WASM modules), every read scoped to its tenant; one subclass per provider.
/// </summary>
public abstract class ControlPlaneStoreContract
{
    private const string T0 = "2026-01-01T00:00:00.0000000Z";

    protected abstract string Provider { get; }

    private Task<StoreHarness> CreateAsync() => StoreHarness.CreateAsync(Provider, (s, _) =>
    {
        var asm = typeof(AccountsModule).Assembly;
        s.AddMigrations("accounts", asm);
        s.AddMigrations("flows", asm, after: "accounts");
        s.AddMigrations("secrets", asm, after: "accounts");
        s.AddMigrations("memory", asm, after: "flows");
        s.AddMigrations("wasmmodules", asm, after: "accounts");
        s.AddStore<IAccountStore, SqliteAccountStore, PostgresAccountStore>();
        s.AddStore<ISessionStore, SqliteSessionStore, PostgresSessionStore>();
        s.AddStore<IApiKeyStore, SqliteApiKeyStore, PostgresApiKeyStore>();
        s.AddStore<ITenantTierStore, SqliteTenantTierStore, PostgresTenantTierStore>();
        s.AddStore<IFlowStore, SqliteFlowStore, PostgresFlowStore>();
        s.AddStore<ISecretStore, SqliteSecretStore, PostgresSecretStore>();
        s.AddStore<IProjectMemoryStore, SqliteProjectMemoryStore, PostgresProjectMemoryStore>();
        s.AddStore<IWasmModuleStore, SqliteWasmModuleStore, PostgresWasmModuleStore>();
    });

    private static TenantRow Tenant(string id, string? tier = null) => new() { Id = id, Name = "name-" + id, CreatedAt = T0, Tier = tier };

    private static UserRow User(string tenant, string id, string? email = null) => new()
    {
        Id = id, TenantId = tenant, Email = email ?? id + "@example.com", PasswordHash = "hash-" + id, Role = "owner", CreatedAt = T0, UpdatedAt = T0,
    };

    /// <summary>Tenants t1 and t2 with users u1 and u2.</summary>
    private static async Task SeedAsync(StoreHarness h)
    {
        var accounts = h.Get<IAccountStore>();
        Assert.True(await accounts.CreateTenantWithUserAsync(Tenant("t1"), User("t1", "u1"), onlyIfNoUsers: true, default));
        Assert.True(await accounts.CreateTenantWithUserAsync(Tenant("t2", "pro"), User("t2", "u2"), onlyIfNoUsers: false, default));
    }

    private static FlowRow Flow(string tenant, string id, string name = "flow") => new()
    {
        Id = id, TenantId = tenant, Name = name, Description = "d", OrganismYaml = "organism: {name: " + name + "}", Version = 1, CreatedAt = T0, UpdatedAt = T0,
    };

    private static FlowVersionRow Version(FlowRow flow, long version, string? by = "u1") => new()
    {
        FlowId = flow.Id, TenantId = flow.TenantId, Version = version, OrganismYaml = flow.OrganismYaml, CanvasState = flow.CanvasState, CreatedAt = T0, CreatedBy = by,
    };

    [ContractFact]
    public async Task Accounts_TenantsAndUsers_ScopedAndUnique()
    {
        await using var h = await CreateAsync();
        var accounts = h.Get<IAccountStore>();
        Assert.False(await accounts.AnyUserAsync(default));
        await SeedAsync(h);
        Assert.True(await accounts.AnyUserAsync(default));
        // The first-run setup refuses once a user exists.
        Assert.False(await accounts.CreateTenantWithUserAsync(Tenant("t3"), User("t3", "u3"), onlyIfNoUsers: true, default));
        Assert.Equal("t1", (await accounts.FindTenantByNameAsync("name-t1", default))!.Id);
        Assert.Equal("pro", (await accounts.FindTenantByNameAsync("name-t2", default))!.Tier);
        Assert.Equal("u1", (await accounts.FindUserByEmailAsync("u1@example.com", default))!.Id);
        Assert.Equal("name-t1", (await accounts.FindPrincipalAsync("t1", "u1", default))!.TenantName);
        Assert.Null(await accounts.FindPrincipalAsync("t2", "u1", default));
        Assert.Null(await accounts.FindUserAsync("t2", "u1", default));
        var conflict = await Assert.ThrowsAsync<ApiException>(() => accounts.InsertUserAsync(User("t2", "u9", "u1@example.com"), null, default));
        Assert.Equal(409, conflict.Status);
        // The member limit: t1 has one user.
        Assert.False(await accounts.InsertUserAsync(User("t1", "u4"), maxMembers: 1, default));
        Assert.True(await accounts.InsertUserAsync(User("t1", "u4"), maxMembers: 2, default));
        await accounts.UpdatePasswordAsync("t2", "u1", "stolen", T0, default); // another tenant: no effect
        Assert.Equal("hash-u1", (await accounts.FindUserAsync("t1", "u1", default))!.PasswordHash);
        await accounts.UpdatePasswordAsync("t1", "u1", "new", "2026-01-02T00:00:00.0000000Z", default);
        Assert.Equal("new", (await accounts.FindUserAsync("t1", "u1", default))!.PasswordHash);
    }

    [ContractFact]
    public async Task Accounts_MemberLimit_ConcurrentInvitesNeverExceedIt()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var accounts = h.Get<IAccountStore>();
        var added = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => accounts.InsertUserAsync(User("t1", "m" + i), maxMembers: 5, default)));
        Assert.Equal(4, added.Count(a => a));
        Assert.Equal(5, (await h.Get<ITenantTierStore>().CountsAsync("t1", default)).Members);
    }

    [ContractFact]
    public async Task Sessions_FindUnexpiredDeleteOthersAndExpired()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var sessions = h.Get<ISessionStore>();
        SessionRow Session(string hash, string user, string tenant, string expires) =>
            new() { TokenHash = hash, TenantId = tenant, UserId = user, Csrf = "csrf-" + hash, CreatedAt = T0, ExpiresAt = expires };
        await sessions.InsertAsync(Session("a", "u1", "t1", "2026-02-01T00:00:00.0000000Z"), default);
        await sessions.InsertAsync(Session("b", "u1", "t1", "2026-03-01T00:00:00.0000000Z"), default);
        await sessions.InsertAsync(Session("c", "u2", "t2", "2026-01-15T00:00:00.0000000Z"), default);
        var found = (await sessions.FindAsync("a", "2026-01-20T00:00:00.0000000Z", default))!;
        Assert.Equal(("u1", "t1", "csrf-a"), (found.UserId, found.TenantId, found.Csrf));
        Assert.Null(await sessions.FindAsync("c", "2026-01-20T00:00:00.0000000Z", default)); // expired
        await sessions.DeleteOthersAsync("t2", "u1", "a", default); // another tenant: no effect
        Assert.NotNull(await sessions.FindAsync("b", T0, default));
        await sessions.DeleteOthersAsync("t1", "u1", "a", default);
        Assert.Null(await sessions.FindAsync("b", T0, default));
        Assert.Equal(1, await sessions.DeleteExpiredAsync("2026-01-20T00:00:00.0000000Z", default));
        await sessions.DeleteAsync("a", default);
        Assert.Null(await sessions.FindAsync("a", T0, default));
    }

    [ContractFact]
    public async Task ApiKeys_ListFindRevokeTouch_ScopedToTenantAndUser()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var keys = h.Get<IApiKeyStore>();
        await keys.InsertAsync(new ApiKeyRow { Id = "k1", TenantId = "t1", UserId = "u1", Name = "ci", Prefix = "nx_abc", KeyHash = "h1", CreatedAt = T0 }, default);
        await keys.InsertAsync(new ApiKeyRow { Id = "k2", TenantId = "t2", UserId = "u2", Name = "ci", Prefix = "nx_def", KeyHash = "h2", CreatedAt = T0 }, default);
        Assert.Equal(["k1"], (await keys.ListAsync("t1", "u1", default)).Select(k => k.Id));
        Assert.Empty(await keys.ListAsync("t2", "u1", default));
        var principal = Assert.Single(await keys.FindActiveByPrefixAsync("nx_abc", default));
        Assert.Equal(("u1", "t1", "k1", "h1"), (principal.UserId, principal.TenantId, principal.KeyId, principal.KeyHash));
        await keys.TouchAsync("k1", "2026-01-05T00:00:00.0000000Z", default);
        Assert.Equal("2026-01-05T00:00:00.0000000Z", (await keys.ListAsync("t1", "u1", default))[0].LastUsedAt);
        Assert.False(await keys.RevokeAsync("t2", "u2", "k1", T0, default));
        Assert.True(await keys.RevokeAsync("t1", "u1", "k1", T0, default));
        Assert.False(await keys.RevokeAsync("t1", "u1", "k1", T0, default));
        Assert.Empty(await keys.FindActiveByPrefixAsync("nx_abc", default));
        Assert.Empty(await keys.ListAsync("t1", "u1", default));
    }

    [ContractFact]
    public async Task Tiers_SetFindListAndCounts()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var tiers = h.Get<ITenantTierStore>();
        Assert.Equal([("t2", "pro")], (await tiers.ListSetTiersAsync(default)).Select(t => (t.Id, t.Tier)));
        Assert.True(await tiers.SetTierAsync("t1", "paid", default));
        Assert.False(await tiers.SetTierAsync("nope", "paid", default));
        Assert.True(await tiers.SetTierAsync("t2", null, default));
        Assert.Equal([("t1", "paid")], (await tiers.ListSetTiersAsync(default)).Select(t => (t.Id, t.Tier)));
        Assert.Equal("t1", Assert.Single(await tiers.FindAsync("name-t1", default)).Id);
        Assert.Equal("t2", Assert.Single(await tiers.FindAsync("t2", default)).Id);
        Assert.True(await h.Get<IFlowStore>().InsertAsync(Flow("t1", "f1"), Version(Flow("t1", "f1"), 1), null, default));
        var list = await tiers.ListAsync(default);
        Assert.Equal(["t1", "t2"], list.Select(t => t.Id).Order());
        var t1 = list.Single(t => t.Id == "t1");
        Assert.Equal((1L, 1L, "paid"), (t1.Users, t1.Flows, t1.Tier));
        var counts = await tiers.CountsAsync("t1", default);
        Assert.Equal((1L, 1L, 0L), (counts.Flows, counts.Members, counts.Modules));
        Assert.Equal(0L, (await tiers.CountsAsync("t2", default)).Flows);
    }

    [ContractFact]
    public async Task Flows_CrudVersionsStatus_ScopedToTenant()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var flows = h.Get<IFlowStore>();
        var flow = Flow("t1", "f1", "alpha");
        Assert.True(await flows.InsertAsync(flow, Version(flow, 1), 10, default));
        Assert.Equal("alpha", (await flows.GetAsync("t1", "f1", default))!.Name);
        Assert.Null(await flows.GetAsync("t2", "f1", default));
        Assert.Empty(await flows.ListAsync("t2", default));
        Assert.Equal(1, await flows.CountAsync("t1", default));
        Assert.Null(await flows.UpdateAsync("t2", "f1", r => { r.Name = "hijack"; return null; }, default));
        var updated = await flows.UpdateAsync("t1", "f1", r =>
        {
            r.Version++;
            r.OrganismYaml = "organism: {name: beta}";
            r.CanvasState = "{\"x\":1}";
            r.UpdatedAt = "2026-01-02T00:00:00.0000000Z";
            return Version(r, r.Version);
        }, default);
        Assert.Equal(2, updated!.Version);
        Assert.Equal([2L, 1L], (await flows.ListVersionsAsync("t1", "f1", default)).Select(v => v.Version));
        Assert.Empty(await flows.ListVersionsAsync("t2", "f1", default));
        var v2 = (await flows.GetVersionAsync("t1", "f1", 2, default))!;
        Assert.Equal(("organism: {name: beta}", "{\"x\":1}", "u1"), (v2.OrganismYaml, v2.CanvasState, v2.CreatedBy));
        Assert.Null(await flows.GetVersionAsync("t2", "f1", 2, default));
        Assert.False(await flows.SetStatusAsync("t2", "f1", "running", default));
        Assert.True(await flows.SetStatusAsync("t1", "f1", "running", default));
        Assert.Equal(["f1"], (await flows.ListByStatusAsync("running", default)).Select(f => f.Id));
        Assert.Equal("t1", (await flows.FindByIdAsync("f1", default))!.TenantId);
        Assert.False(await flows.DeleteAsync("t2", "f1", default));
        Assert.True(await flows.DeleteAsync("t1", "f1", default));
        Assert.Null(await flows.FindByIdAsync("f1", default));
    }

    [ContractFact]
    public async Task Flows_LimitAndConcurrentUpdates_NoLostVersion()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var flows = h.Get<IFlowStore>();
        var created = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
        {
            var f = Flow("t1", "f" + i);
            return flows.InsertAsync(f, Version(f, 1), 3, default);
        }));
        Assert.Equal(3, created.Count(c => c));
        var id = (await flows.ListAsync("t1", default))[0].Id;
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => flows.UpdateAsync("t1", id, r => { r.Version++; return Version(r, r.Version); }, default)));
        Assert.Equal(11, (await flows.GetAsync("t1", id, default))!.Version);
        Assert.Equal(11, (await flows.ListVersionsAsync("t1", id, default)).Count);
    }

    [ContractFact]
    public async Task Secrets_UpsertListGetDelete_ScopedToTenant()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var secrets = h.Get<ISecretStore>();
        SecretRow Secret(string tenant, string name, byte[] value, string at) =>
            new() { TenantId = tenant, Name = name, Value = value, CreatedAt = at, UpdatedAt = at, UpdatedBy = "u1" };
        Assert.True(await secrets.UpsertAsync(Secret("t1", "API_KEY", [1, 2, 3, 0, 255], T0), default));
        Assert.False(await secrets.UpsertAsync(Secret("t1", "API_KEY", [9, 9], "2026-01-03T00:00:00.0000000Z"), default));
        Assert.True(await secrets.UpsertAsync(Secret("t2", "API_KEY", [7], T0), default));
        Assert.Equal([9, 9], await secrets.GetValueAsync("t1", "API_KEY", default));
        Assert.Equal([7], await secrets.GetValueAsync("t2", "API_KEY", default));
        Assert.Null(await secrets.GetValueAsync("t1", "OTHER", default));
        var listed = Assert.Single(await secrets.ListAsync("t1", default));
        Assert.Equal(("API_KEY", "2026-01-03T00:00:00.0000000Z"), (listed.Name, listed.UpdatedAt));
        Assert.True(await secrets.DeleteAsync("t1", "API_KEY", default));
        Assert.False(await secrets.DeleteAsync("t1", "API_KEY", default));
        Assert.Equal([7], await secrets.GetValueAsync("t2", "API_KEY", default));
    }

    [ContractFact]
    public async Task Memory_PutGetListDelete_QuotaAndTenantScope()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var flow = Flow("t1", "f1");
        await h.Get<IFlowStore>().InsertAsync(flow, Version(flow, 1), null, default);
        var memory = h.Get<IProjectMemoryStore>();
        Assert.True(await memory.PutAsync("t1", "f1", "a", [1, 2, 3], 10, T0, default));
        Assert.True(await memory.PutAsync("t1", "f1", "b", [4, 5, 6, 7], 10, T0, default));
        Assert.False(await memory.PutAsync("t1", "f1", "c", [1, 2, 3, 4], 10, T0, default)); // 3 + 4 + 4 > 10
        Assert.True(await memory.PutAsync("t1", "f1", "a", [1, 2, 3, 4, 5, 6], 10, T0, default)); // replaces a: 6 + 4
        Assert.Equal([1, 2, 3, 4, 5, 6], await memory.GetAsync("t1", "f1", "a", default));
        Assert.Null(await memory.GetAsync("t2", "f1", "a", default));
        Assert.Equal([("a", 6L), ("b", 4L)], (await memory.ListAsync("t1", "f1", default)).Select(k => (k.Key, k.Size)));
        Assert.Empty(await memory.ListAsync("t2", "f1", default));
        Assert.False(await memory.DeleteAsync("t2", "f1", "a", default));
        Assert.True(await memory.DeleteAsync("t1", "f1", "a", default));
        // Concurrent writers never pass the quota together.
        var puts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => memory.PutAsync("t1", "f1", "k" + i, new byte[3], 10, T0, default)));
        Assert.Equal(2, puts.Count(p => p)); // b (4) + 2 × 3
        // Deleting the flow clears its memory.
        await h.Get<IFlowStore>().DeleteAsync("t1", "f1", default);
        Assert.Empty(await memory.ListAsync("t1", "f1", default));
    }

    [ContractFact]
    public async Task WasmModules_VersionsQuotaCodeAndTenantScope()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var modules = h.Get<IWasmModuleStore>();
        WasmModuleRow Module(string tenant, string id, string name, byte[]? wasm = null) => new()
        {
            Id = id, TenantId = tenant, Name = name, Kind = "wat", Content = [0, 97, 115, 109, 1], Wasm = wasm, Size = 5, Wit = "world w {}", CreatedAt = T0, CreatedBy = "u1",
        };
        Assert.Equal("1", (await modules.InsertAsync(Module("t1", "m1", "echo"), 10, default))!.Version);
        Assert.Equal("2", (await modules.InsertAsync(Module("t1", "m2", "echo", [1, 2]), 10, default))!.Version);
        Assert.Equal("1", (await modules.InsertAsync(Module("t1", "m3", "other"), 10, default))!.Version);
        Assert.Null(await modules.InsertAsync(Module("t1", "m4", "echo"), 3, default));
        Assert.Equal("1", (await modules.InsertAsync(Module("t2", "m5", "echo"), 10, default))!.Version);
        Assert.Equal(["m2", "m1", "m3"], (await modules.ListAsync("t1", default)).Select(m => m.Id));
        Assert.Equal("world w {}", (await modules.GetAsync("t1", "m1", default))!.Wit);
        Assert.Null(await modules.GetAsync("t2", "m1", default));
        var code = await modules.GetCodeAsync("t1", ["echo"], default);
        Assert.Equal(["m1", "m2"], code.Select(c => c.Id).Order());
        Assert.Equal([1, 2], code.Single(c => c.Id == "m2").Wasm);
        Assert.Null(code.Single(c => c.Id == "m1").Wasm);
        Assert.Equal([0, 97, 115, 109, 1], code[0].Content);
        Assert.Equal(3, (await modules.GetCodeAsync("t1", null, default)).Count);
        Assert.Equal(2L, (await h.Get<ITenantTierStore>().CountsAsync("t1", default)).Modules);
        Assert.False(await modules.DeleteAsync("t2", "m1", default));
        Assert.True(await modules.DeleteAsync("t1", "m1", default));
        // Concurrent uploads of one name get distinct versions.
        var uploaded = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => modules.InsertAsync(Module("t2", "c" + i, "race"), 100, default)));
        Assert.Equal(["1", "2", "3", "4", "5", "6"], uploaded.Select(u => u!.Version).Order());
    }
}

public sealed class SqliteControlPlaneStoreContract : ControlPlaneStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;
}

public sealed class PostgresControlPlaneStoreContract : ControlPlaneStoreContract
{
    protected override string Provider => StorageProviders.Postgres;
}
