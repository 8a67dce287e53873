using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>Memberships (several tenants per person, last-owner protection, seats) and invites, on both providers.</summary>
public abstract class MembershipStoreContract
{
    private const string T0 = "2026-01-01T00:00:00.0000000Z";
    private static readonly DateTimeOffset At = SqliteCommands.ParseIso(T0);

    protected abstract string Provider { get; }

    private Task<StoreHarness> CreateAsync() => StoreHarness.CreateAsync(Provider, (s, _) =>
    {
        s.AddMigrations("accounts", typeof(AccountsModule).Assembly);
        s.AddStore<IAccountStore, SqliteAccountStore, PostgresAccountStore>();
        s.AddStore<ISessionStore, SqliteSessionStore, PostgresSessionStore>();
        s.AddStore<IApiKeyStore, SqliteApiKeyStore, PostgresApiKeyStore>();
        s.AddStore<IMembershipStore, SqliteMembershipStore, PostgresMembershipStore>();
        s.AddStore<IInviteStore, SqliteInviteStore, PostgresInviteStore>();
    });

    private static UserRow User(string tenant, string id) => new()
    {
        Id = id, TenantId = tenant, Email = id + "@example.com", PasswordHash = "hash-" + id, Role = "owner", CreatedAt = T0, UpdatedAt = T0,
    };

    /// <summary>Tenant t1 owned by u1, tenant t2 owned by u2.</summary>
    private static async Task SeedAsync(StoreHarness h)
    {
        var accounts = h.Get<IAccountStore>();
        Assert.True(await accounts.CreateTenantWithUserAsync(new TenantRow { Id = "t1", Name = "one", CreatedAt = T0 }, User("t1", "u1"), false, default));
        Assert.True(await accounts.CreateTenantWithUserAsync(new TenantRow { Id = "t2", Name = "two", CreatedAt = T0 }, User("t2", "u2"), false, default));
    }

    private static InviteRow Invite(string tenant, string id, string role = "editor", string expires = "2026-01-08T00:00:00.0000000Z") => new()
    {
        Id = id, TenantId = tenant, Email = id + "@example.com", Role = role, TokenHash = "hash-" + id, InvitedBy = "u1", CreatedAt = T0, ExpiresAt = expires,
    };

    [ContractFact]
    public async Task Memberships_PersonInSeveralTenants_PrincipalPerTenant()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var members = h.Get<IMembershipStore>();
        Assert.Equal(MembershipResult.Done, await members.AddAsync("t2", "u1", Role.Viewer, At.AddDays(1), null, default));
        Assert.Equal(MembershipResult.AlreadyMember, await members.AddAsync("t2", "u1", Role.Admin, At, null, default));
        Assert.Equal(MembershipResult.NotFound, await members.AddAsync("t2", "nobody", Role.Admin, At, null, default));
        Assert.Equal(MembershipResult.NotFound, await members.AddAsync("t9", "u1", Role.Admin, At, null, default));
        Assert.Equal(["t1", "t2"], (await members.ListTenantsOfAsync("u1", default)).Select(m => m.TenantId));
        Assert.Equal([("u2", Role.Owner), ("u1", Role.Viewer)], (await members.ListMembersAsync("t2", default)).Select(m => (m.UserId, m.Role)));
        var m = (await members.FindAsync("t2", "u1", default))!;
        Assert.Equal(("two", "u1@example.com", At.AddDays(1)), (m.TenantName, m.Email, m.JoinedAt));
        // The principal of a request follows the membership of that tenant, with that tenant's role.
        var accounts = h.Get<IAccountStore>();
        Assert.Equal("viewer", (await accounts.FindPrincipalAsync("t2", "u1", default))!.Role);
        Assert.Equal("owner", (await accounts.FindPrincipalAsync("t1", "u1", default))!.Role);
        await members.TouchAsync("t2", "u1", At.AddDays(2), default);
        Assert.Equal(At.AddDays(2), (await members.FindAsync("t2", "u1", default))!.LastSeenAt);
        Assert.Null((await members.FindAsync("t1", "u1", default))!.LastSeenAt);
    }

    [ContractFact]
    public async Task Memberships_LastOwner_NeverRemovedOrDemoted()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var members = h.Get<IMembershipStore>();
        Assert.Equal(MembershipResult.LastOwner, await members.SetRoleAsync("t1", "u1", Role.Admin, default));
        Assert.Equal(MembershipResult.LastOwner, await members.RemoveAsync("t1", "u1", At, default));
        Assert.Equal(MembershipResult.Done, await members.SetRoleAsync("t1", "u1", Role.Owner, default));
        Assert.Equal(MembershipResult.NotFound, await members.SetRoleAsync("t1", "u2", Role.Admin, default));
        Assert.Equal(MembershipResult.Done, await members.AddAsync("t1", "u2", Role.Owner, At, null, default));
        Assert.Equal(MembershipResult.Done, await members.SetRoleAsync("t1", "u1", Role.Editor, default));
        Assert.Equal(MembershipResult.LastOwner, await members.RemoveAsync("t1", "u2", At, default));
        // Two owners demoting each other at once: exactly one succeeds.
        Assert.Equal(MembershipResult.Done, await members.SetRoleAsync("t1", "u1", Role.Owner, default));
        var both = await Task.WhenAll(members.SetRoleAsync("t1", "u1", Role.Admin, default), members.SetRoleAsync("t1", "u2", Role.Admin, default));
        Assert.Equal(1, both.Count(r => r == MembershipResult.Done));
        Assert.Single(await members.ListMembersAsync("t1", default), x => x.Role == Role.Owner);
    }

    [ContractFact]
    public async Task Memberships_Remove_EndsSessionsAndKeysOfThatTenantOnly()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var members = h.Get<IMembershipStore>();
        await members.AddAsync("t2", "u1", Role.Editor, At, null, default);
        var sessions = h.Get<ISessionStore>();
        await sessions.InsertAsync(new SessionRow { TokenHash = "s1", TenantId = "t1", UserId = "u1", Csrf = "c", CreatedAt = T0, ExpiresAt = "2027-01-01T00:00:00.0000000Z" }, default);
        await sessions.InsertAsync(new SessionRow { TokenHash = "s2", TenantId = "t2", UserId = "u1", Csrf = "c", CreatedAt = T0, ExpiresAt = "2027-01-01T00:00:00.0000000Z" }, default);
        var keys = h.Get<IApiKeyStore>();
        await keys.InsertAsync(new ApiKeyRow { Id = "k1", TenantId = "t1", UserId = "u1", Name = "a", Prefix = "p1", KeyHash = "h", CreatedAt = T0 }, default);
        await keys.InsertAsync(new ApiKeyRow { Id = "k2", TenantId = "t2", UserId = "u1", Name = "b", Prefix = "p2", KeyHash = "h", CreatedAt = T0 }, default);
        Assert.Equal("editor", (await keys.FindActiveByPrefixAsync("p2", default)).Single().Role);
        Assert.Equal(MembershipResult.Done, await members.RemoveAsync("t2", "u1", At, default));
        Assert.Equal(MembershipResult.NotFound, await members.RemoveAsync("t2", "u1", At, default));
        Assert.Null(await sessions.FindAsync("s2", T0, default));
        Assert.Empty(await keys.FindActiveByPrefixAsync("p2", default));
        Assert.NotNull(await sessions.FindAsync("s1", T0, default));
        Assert.Single(await keys.FindActiveByPrefixAsync("p1", default));
        // A session can switch only between tenants its user belongs to (the store trusts its caller; the join refuses the rest).
        Assert.True(await sessions.SwitchTenantAsync("s1", "t2", default));
        Assert.Null(await sessions.FindAsync("s1", T0, default));
        Assert.True(await sessions.SwitchTenantAsync("s1", "t1", default));
        Assert.Equal("t1", (await sessions.FindAsync("s1", T0, default))!.TenantId);
    }

    [ContractFact]
    public async Task Invites_CountAsSeats_SingleUse_Expire_Revoke()
    {
        await using var h = await CreateAsync();
        await SeedAsync(h);
        var invites = h.Get<IInviteStore>();
        var members = h.Get<IMembershipStore>();
        Assert.True(await invites.InsertAsync(Invite("t1", "i1"), maxMembers: 3, default));
        Assert.True(await invites.InsertAsync(Invite("t1", "i2", expires: "2026-01-01T00:00:01.0000000Z"), maxMembers: 3, default));
        Assert.False(await invites.InsertAsync(Invite("t1", "i3"), maxMembers: 3, default)); // u1 + two open invites
        Assert.Equal(3, await members.CountSeatsAsync("t1", At, default));
        Assert.Equal(2, await members.CountSeatsAsync("t1", At.AddDays(1), default)); // i2 expired
        Assert.Equal(MembershipResult.QuotaExceeded, await members.AddAsync("t1", "u2", Role.Editor, At, maxMembers: 3, default));
        Assert.Equal(["i1", "i2"], (await invites.ListOpenAsync("t1", T0, default)).Select(i => i.Id));
        Assert.Empty(await invites.ListOpenAsync("t2", T0, default));
        Assert.Equal("t1", (await invites.FindByTokenAsync("hash-i1", default))!.TenantId);

        // Accepting: once, by an existing user, with the invite's role; never after expiry or revocation.
        var later = "2026-01-02T00:00:00.0000000Z";
        Assert.True(await invites.AcceptAsync("i1", "u2", later, default));
        Assert.False(await invites.AcceptAsync("i1", "u2", later, default));
        Assert.Equal(Role.Editor, (await members.FindAsync("t1", "u2", default))!.Role);
        Assert.False(await invites.AcceptAsync("i2", "u2", later, default)); // expired
        Assert.True(await invites.InsertAsync(Invite("t1", "i4", role: "admin"), null, default));
        Assert.False(await invites.RevokeAsync("t2", "i4", T0, default)); // another tenant's
        Assert.True(await invites.RevokeAsync("t1", "i4", T0, default));
        Assert.False(await invites.AcceptAsync("i4", "u2", later, default));
        Assert.Equal(Role.Editor, (await members.FindAsync("t1", "u2", default))!.Role);

        // A new person: the user and the membership appear together; the email must be new.
        Assert.True(await invites.InsertAsync(Invite("t1", "i5", role: "viewer"), null, default));
        var newcomer = User("t1", "u5");
        newcomer.Name = "New Person";
        Assert.True(await invites.AcceptAsNewUserAsync("i5", newcomer, later, default));
        var joined = (await members.FindAsync("t1", "u5", default))!;
        Assert.Equal((Role.Viewer, "New Person"), (joined.Role, joined.Name));
        Assert.True(await invites.InsertAsync(Invite("t1", "i6"), null, default));
        var taken = await Assert.ThrowsAsync<ApiException>(() => invites.AcceptAsNewUserAsync("i6", User("t1", "u1"), later, default));
        Assert.Equal(409, taken.Status);
        Assert.Single(await invites.ListOpenAsync("t1", later, default));
    }
}

public sealed class SqliteMembershipStoreContract : MembershipStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;
}

public sealed class PostgresMembershipStoreContract : MembershipStoreContract
{
    protected override string Provider => StorageProviders.Postgres;
}
