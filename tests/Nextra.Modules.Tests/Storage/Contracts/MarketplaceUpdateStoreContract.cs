using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>
/// What the publisher-key and staged-update stores (and the review reply / daily count of the marketplace store) must do on
/// every provider: the 3-key cap, revocation, a rollout decided once, an install moved only from the version it was read at.
/// </summary>
public abstract class MarketplaceUpdateStoreContract
{
    private const string T0 = "2026-01-01T00:00:00.0000000Z";

    protected abstract string Provider { get; }

    private async Task<StoreHarness> CreateAsync()
    {
        var h = await StoreHarness.CreateAsync(Provider, (s, _) =>
        {
            var asm = typeof(AccountsModule).Assembly;
            s.AddMigrations("accounts", asm);
            s.AddMigrations("marketplace", asm, after: "accounts");
            s.AddStore<IAccountStore, SqliteAccountStore, PostgresAccountStore>();
            s.AddStore<IMarketplaceStore, SqliteMarketplaceStore, PostgresMarketplaceStore>();
            s.AddStore<IPublisherKeyStore, SqlitePublisherKeyStore, PostgresPublisherKeyStore>();
            s.AddStore<IRolloutStore, SqliteRolloutStore, PostgresRolloutStore>();
        });
        var accounts = h.Get<IAccountStore>();
        foreach (var t in new[] { "t1", "t2" })
        {
            Assert.True(await accounts.CreateTenantWithUserAsync(new TenantRow { Id = t, Name = "name-" + t, CreatedAt = T0 },
                new UserRow { Id = "u" + t, TenantId = t, Email = t + "@example.com", PasswordHash = "h", Role = "owner", CreatedAt = T0, UpdatedAt = T0 }, false, default));
            Assert.True(await h.Get<IMarketplaceStore>().SavePublisherAsync(new PublisherRow { TenantId = t, Handle = "pub-" + t, KeyId = "c" + t, PublicKey = "p", PrivateKey = [1], CreatedAt = T0 }, default));
        }
        return h;
    }

    private static PublisherKeyRow Key(string id, string tenant) => new() { KeyId = id, TenantId = tenant, PublicKey = "pk-" + id, Name = "n-" + id, CreatedAt = T0 };

    [ContractFact]
    public async Task PublisherKeys_CappedPerTenant_UniqueAcrossTenants_RevokedOnce()
    {
        await using var h = await CreateAsync();
        var keys = h.Get<IPublisherKeyStore>();
        Assert.Equal(PublisherKeyAdd.Added, await keys.AddAsync(Key("k1", "t1"), 3, default));
        Assert.Equal(PublisherKeyAdd.Exists, await keys.AddAsync(Key("k1", "t2"), 3, default));
        Assert.Equal(PublisherKeyAdd.Added, await keys.AddAsync(Key("k2", "t1"), 3, default));
        Assert.Equal(PublisherKeyAdd.Added, await keys.AddAsync(Key("k3", "t1"), 3, default));
        Assert.Equal(PublisherKeyAdd.Full, await keys.AddAsync(Key("k4", "t1"), 3, default));
        Assert.Equal(PublisherKeyAdd.Added, await keys.AddAsync(Key("k5", "t2"), 3, default));

        Assert.False(await keys.RevokeAsync("t2", "k1", "2026-01-02T00:00:00.0000000Z", default)); // another tenant's key
        Assert.True(await keys.RevokeAsync("t1", "k1", "2026-01-02T00:00:00.0000000Z", default));
        Assert.False(await keys.RevokeAsync("t1", "k1", "2026-01-03T00:00:00.0000000Z", default));
        Assert.Equal(PublisherKeyAdd.Exists, await keys.AddAsync(Key("k1", "t1"), 3, default)); // a revoked key stays revoked
        Assert.Equal(PublisherKeyAdd.Added, await keys.AddAsync(Key("k4", "t1"), 3, default)); // room again

        var list = await keys.ListAsync("t1", default);
        Assert.Equal(["k1", "k2", "k3", "k4"], list.Select(k => k.KeyId));
        Assert.Equal("2026-01-02T00:00:00.0000000Z", list[0].RevokedAt);
        Assert.Null(list[1].RevokedAt);
        var k5 = await keys.GetAsync("k5", default);
        Assert.Equal(("t2", "pk-k5", "n-k5"), (k5!.TenantId, k5.PublicKey, k5.Name));
        Assert.Null(await keys.GetAsync("nope", default));
    }

    [ContractFact]
    public async Task Rollouts_StartedOnce_DecidedOnce_InstallsMovedOnlyFromTheVersionRead()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IMarketplaceStore>();
        var rollouts = h.Get<IRolloutStore>();
        InstallRow Install(string id, string tenant, bool auto) => new()
        {
            Id = id, TenantId = tenant, ListingId = "pub-t1/tool", Kind = "tool", Version = "1.0.0", Major = "1", Digest = "d1", Permissions = "{}",
            PermissionsHash = "h1", SecretBindings = "{}", AutoUpdate = auto, CreatedAt = T0, UpdatedAt = T0,
        };
        Assert.True(await store.InsertInstallAsync(Install("i1", "t1", true), default));
        Assert.True(await store.InsertInstallAsync(Install("i2", "t2", false), default));
        Assert.Equal(["i1"], (await rollouts.AutoUpdateInstallsAsync(default)).Select(i => i.Id));

        var first = await rollouts.GetOrStartAsync(new RolloutRow { ListingId = "pub-t1/tool", Version = "1.1.0", Major = "1", StartedAt = T0 }, default);
        var again = await rollouts.GetOrStartAsync(new RolloutRow { ListingId = "pub-t1/tool", Version = "1.1.0", Major = "1", StartedAt = "2026-02-01T00:00:00.0000000Z" }, default);
        Assert.Equal((T0, "first"), (first.StartedAt, first.State));
        Assert.Equal(T0, again.StartedAt);
        Assert.True(await rollouts.DecideAsync("pub-t1/tool", "1.1.0", "halted", "failures rose", "2026-01-02T00:00:00.0000000Z", default));
        Assert.False(await rollouts.DecideAsync("pub-t1/tool", "1.1.0", "complete", null, "2026-01-03T00:00:00.0000000Z", default));
        var decided = await rollouts.GetAsync("pub-t1/tool", "1.1.0", default);
        Assert.Equal(("halted", "failures rose", "2026-01-02T00:00:00.0000000Z"), (decided!.State, decided.Detail, decided.DecidedAt));
        Assert.Null(await rollouts.GetAsync("pub-t1/tool", "9.0.0", default));

        Assert.True(await rollouts.HoldInstallAsync("i1", "1.1.0", "2026-01-02T00:00:00.0000000Z", default));
        Assert.False(await rollouts.HoldInstallAsync("i1", "1.1.0", "2026-01-02T00:00:00.0000000Z", default));
        var next = new InstallRow { Id = "i1", Version = "1.1.0", Digest = "d2", Permissions = "{\"log\":true}", PermissionsHash = "h2", UpdatedAt = "2026-01-04T00:00:00.0000000Z" };
        Assert.False(await rollouts.MoveInstallAsync(next, "0.9.0", default)); // read at another version: another pass moved it
        Assert.True(await rollouts.MoveInstallAsync(next, "1.0.0", default));
        Assert.False(await rollouts.MoveInstallAsync(next, "1.0.0", default));
        var moved = await store.GetInstallAsync("t1", "i1", default);
        Assert.Equal(("1.1.0", "1.0.0", "d2", "h2", (string?)null), (moved!.Version, moved.PreviousVersion, moved.Digest, moved.PermissionsHash, moved.PendingVersion));
        Assert.False(await rollouts.MoveInstallAsync(new InstallRow { Id = "i2", Version = "1.1.0", Digest = "d2", Permissions = "{}", PermissionsHash = "h2", UpdatedAt = T0 }, "1.0.0", default)); // no auto-update
    }

    [ContractFact]
    public async Task Reviews_OneReplyPerReview_ClearedWhenRewritten_CountedPerDay()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IMarketplaceStore>();
        await store.SaveListingAsync(new ListingRow
        {
            Id = "pub-t1/tool", Kind = "tool", Publisher = "pub-t1", Name = "tool", TenantId = "t1", DisplayName = "Tool", Summary = "s", Readme = "",
            Categories = "[\"data\"]", LatestVersion = "1.0.0", CreatedAt = T0, UpdatedAt = T0,
        }, default);
        VoteRow Vote(string text, string at) => new() { Id = "rv_1", ListingId = "pub-t1/tool", TenantId = "t2", Up = true, Text = text, CreatedAt = at, CountsAt = at };
        var id = await store.UpsertVoteAsync(Vote("good", "2026-01-02T10:00:00.0000000Z"), default);
        Assert.True(await store.ReplyToReviewAsync(id, "thanks", "2026-01-02T11:00:00.0000000Z", default));
        Assert.False(await store.ReplyToReviewAsync(id, "again", "2026-01-02T12:00:00.0000000Z", default));
        Assert.False(await store.ReplyToReviewAsync("rv_none", "x", T0, default));
        var review = await store.FindReviewAsync(id, default);
        Assert.Equal(("thanks", "2026-01-02T11:00:00.0000000Z"), (review!.Reply, review.ReplyAt));
        await store.UpsertVoteAsync(Vote("good", "2026-01-02T13:00:00.0000000Z"), default); // same text: the reply stays
        Assert.Equal("thanks", (await store.FindReviewAsync(id, default))!.Reply);
        await store.UpsertVoteAsync(Vote("broken now", "2026-01-03T09:00:00.0000000Z"), default); // rewritten: a new review, no reply yet
        Assert.Null((await store.FindReviewAsync(id, default))!.Reply);

        Assert.Equal(1, await store.CountReviewsSinceAsync("t2", "2026-01-03T00:00:00.0000000Z", default));
        Assert.Equal(0, await store.CountReviewsSinceAsync("t2", "2026-01-04T00:00:00.0000000Z", default));
        Assert.Equal(0, await store.CountReviewsSinceAsync("t1", "2026-01-01T00:00:00.0000000Z", default));
    }
}

public sealed class SqliteMarketplaceUpdateStoreContract : MarketplaceUpdateStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;
}

public sealed class PostgresMarketplaceUpdateStoreContract : MarketplaceUpdateStoreContract
{
    protected override string Provider => StorageProviders.Postgres;
}
