using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Marketplace;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>What the marketplace store must do on every provider: handles, visibility, full-text search, immutable versions, installs, votes, usage.</summary>
public abstract class MarketplaceStoreContract
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
        });
        var accounts = h.Get<IAccountStore>();
        foreach (var t in new[] { "t1", "t2" })
        {
            Assert.True(await accounts.CreateTenantWithUserAsync(new TenantRow { Id = t, Name = "name-" + t, CreatedAt = T0 },
                new UserRow { Id = "u" + t, TenantId = t, Email = t + "@example.com", PasswordHash = "h", Role = "owner", CreatedAt = T0, UpdatedAt = T0 }, false, default));
        }
        return h;
    }

    private static ListingRow Listing(string id, string tenant, string kind = "tool", string visibility = "public", string summary = "Picks a value by JSON path") => new()
    {
        Id = id, Kind = kind, Publisher = id.Split('/')[0], Name = id.Split('/')[1], TenantId = tenant, DisplayName = "Display " + id.Split('/')[1],
        Summary = summary, Readme = "# Readme\nextracts fields from documents", Categories = "[\"data\"]", Visibility = visibility, ReviewLevel = "community",
        LatestVersion = "1.0.0", CreatedAt = T0, UpdatedAt = T0,
    };

    private static VersionRow Version(string listing, string version) => new()
    {
        ListingId = listing, Version = version, State = "published", Manifest = "{}", Content = [0, 97, 115, 109, 1, 0, 0, 0], Digest = "sha256:x",
        Statement = "{}", Signature = "sig", SignerKeyId = "k", CreatedAt = T0,
    };

    [ContractFact]
    public async Task Publishers_HandleUnique_ChangeableByOwner()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IMarketplaceStore>();
        Assert.True(await store.SavePublisherAsync(new PublisherRow { TenantId = "t1", Handle = "acme", KeyId = "k1", PublicKey = "p1", PrivateKey = [1, 2], CreatedAt = T0 }, default));
        Assert.False(await store.SavePublisherAsync(new PublisherRow { TenantId = "t2", Handle = "acme", KeyId = "k2", PublicKey = "p2", PrivateKey = [3], CreatedAt = T0 }, default));
        Assert.True(await store.SavePublisherAsync(new PublisherRow { TenantId = "t1", Handle = "acme-2", Published = true, KeyId = "ignored", PublicKey = "ignored", PrivateKey = [9], CreatedAt = T0 }, default));
        var row = await store.GetPublisherAsync("t1", default);
        Assert.Equal(("acme-2", true, "k1", "p1"), (row!.Handle, row.Published, row.KeyId, row.PublicKey));
        Assert.Equal(new byte[] { 1, 2 }, row.PrivateKey);
        Assert.Equal("t1", (await store.FindPublisherByHandleAsync("acme-2", default))!.TenantId);
        Assert.Null(await store.FindPublisherByHandleAsync("acme", default));

        var first = await store.GetOrAddServerKeyAsync(new ServerKeyRow { Name = "registry", KeyId = "a", PublicKey = "pa", PrivateKey = [1], CreatedAt = T0 }, default);
        var second = await store.GetOrAddServerKeyAsync(new ServerKeyRow { Name = "registry", KeyId = "b", PublicKey = "pb", PrivateKey = [2], CreatedAt = T0 }, default);
        Assert.Equal("a", first.KeyId);
        Assert.Equal("a", second.KeyId);
    }

    [ContractFact]
    public async Task Listings_SearchByText_RespectsVisibilityKindAndCategory()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IMarketplaceStore>();
        await store.SaveListingAsync(Listing("acme/json-path-pick", "t1"), default);
        await store.SaveListingAsync(Listing("acme/regex-extract", "t1", summary: "Extracts text with a regular expression"), default);
        await store.SaveListingAsync(Listing("acme/secret-tool", "t1", visibility: "private", summary: "Picks secrets"), default);
        await store.SaveListingAsync(Listing("acme/path-template", "t1", kind: "flow"), default);
        var unlisted = Listing("acme/draft-pick", "t1");
        unlisted.LatestVersion = null;
        await store.SaveListingAsync(unlisted, default);

        var forT2 = await store.SearchAsync("t2", "tool", "pick", null, "2025-12-01", 100, default);
        Assert.Equal(["acme/json-path-pick"], forT2.Select(x => x.Listing.Id));
        Assert.True(forT2[0].TextScore > 0);
        var forT1 = await store.SearchAsync("t1", "tool", "pick", null, "2025-12-01", 100, default);
        Assert.Equal(["acme/json-path-pick", "acme/secret-tool"], forT1.Select(x => x.Listing.Id).Order());
        // Prefix and stemmed matches: "regul" finds "regular", "extract" finds "Extracts".
        Assert.Equal("acme/regex-extract", Assert.Single(await store.SearchAsync("t2", "tool", "regul", null, "2025-12-01", 100, default)).Listing.Id);
        Assert.Equal(2, (await store.SearchAsync("t2", "tool", "extract", null, "2025-12-01", 100, default)).Count);
        Assert.Equal(2, (await store.SearchAsync("t2", "tool", null, "data", "2025-12-01", 100, default)).Count);
        Assert.Empty(await store.SearchAsync("t2", "tool", null, "support", "2025-12-01", 100, default));
        Assert.Equal("acme/path-template", Assert.Single(await store.SearchAsync("t2", "flow", null, null, "2025-12-01", 100, default)).Listing.Id);
        // FTS syntax in user text is inert.
        Assert.Empty(await store.SearchAsync("t2", "tool", "\"NEAR( pick * OR", null, "2025-12-01", 100, default));

        Assert.Null(await store.GetListingAsync("t2", "acme/secret-tool", default));
        Assert.NotNull(await store.GetListingAsync("t1", "acme/secret-tool", default));

        // An update re-indexes the text.
        var changed = Listing("acme/regex-extract", "t1", summary: "Finds phone numbers");
        await store.SaveListingAsync(changed, default);
        Assert.Single(await store.SearchAsync("t2", "tool", "phone", null, "2025-12-01", 100, default));
        Assert.Empty(await store.SearchAsync("t2", "tool", "regular", null, "2025-12-01", 100, default));
    }

    [ContractFact]
    public async Task Versions_Immutable_InstallsUniquePerMajor_VotesAndUsage()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IMarketplaceStore>();
        await store.SaveListingAsync(Listing("acme/json-path-pick", "t1"), default);
        Assert.True(await store.InsertVersionAsync(Version("acme/json-path-pick", "1.0.0"), default));
        Assert.False(await store.InsertVersionAsync(Version("acme/json-path-pick", "1.0.0"), default));
        var v = await store.GetVersionAsync("acme/json-path-pick", "1.0.0", default);
        Assert.Equal(new byte[] { 0, 97, 115, 109, 1, 0, 0, 0 }, v!.Content);
        v.State = "revoked";
        v.Approval = "{}";
        await store.UpdateVersionAsync(v, default);
        Assert.Equal("revoked", Assert.Single(await store.ListVersionsAsync("acme/json-path-pick", default)).State);

        InstallRow Install(string id, string tenant, string major) => new()
        {
            Id = id, TenantId = tenant, ListingId = "acme/json-path-pick", Kind = "tool", Version = major + ".0.0", Major = major, Digest = "d", Permissions = "{}",
            PermissionsHash = "h", SecretBindings = "{}", CreatedAt = T0, UpdatedAt = T0,
        };
        Assert.True(await store.InsertInstallAsync(Install("i1", "t1", "1"), default));
        Assert.False(await store.InsertInstallAsync(Install("i2", "t1", "1"), default));
        Assert.True(await store.InsertInstallAsync(Install("i3", "t1", "2"), default));
        Assert.True(await store.InsertInstallAsync(Install("i4", "t2", "1"), default));
        Assert.Equal(3, (await store.GetListingAsync("t2", "acme/json-path-pick", default))!.Installs);
        Assert.Null(await store.GetInstallAsync("t2", "i1", default));
        var i1 = await store.GetInstallAsync("t1", "i1", default);
        i1!.PendingVersion = "1.1.0";
        i1.AutoUpdate = true;
        await store.UpdateInstallAsync(i1, default);
        var read = await store.GetInstallAsync("t1", "i1", default);
        Assert.Equal(("1.1.0", true), (read!.PendingVersion, read.AutoUpdate));
        Assert.Equal(2, (await store.ListInstallsAsync("t1", default)).Count);
        Assert.False(await store.DeleteInstallAsync("t2", "i1", default));
        Assert.True(await store.DeleteInstallAsync("t1", "i1", default));

        Assert.Equal("rv_1", await store.UpsertVoteAsync(new VoteRow { Id = "rv_1", ListingId = "acme/json-path-pick", TenantId = "t1", Up = true, CreatedAt = T0 }, default));
        Assert.Equal("rv_2", await store.UpsertVoteAsync(new VoteRow { Id = "rv_2", ListingId = "acme/json-path-pick", TenantId = "t2", Up = true, CreatedAt = T0 }, default));
        // A repeat replaces the vote and keeps its review id.
        Assert.Equal("rv_2", await store.UpsertVoteAsync(new VoteRow { Id = "rv_3", ListingId = "acme/json-path-pick", TenantId = "t2", Up = false, Text = "broke", CreatedAt = T0 }, default));
        var listing = await store.GetListingAsync("t1", "acme/json-path-pick", default);
        Assert.Equal((1, 1), (listing!.VotesUp, listing.VotesDown));
        Assert.Equal(2, (await store.ListVotesAsync("acme/json-path-pick", 10, default)).Count);

        Assert.False(await store.HasUsedAsync("t2", "acme/json-path-pick", default));
        await store.RecordUsageAsync("t2", "acme/json-path-pick", "2026-01-02", default);
        await store.RecordUsageAsync("t2", "acme/json-path-pick", "2026-01-02", default);
        Assert.True(await store.HasUsedAsync("t2", "acme/json-path-pick", default));
        Assert.Equal(1, Assert.Single(await store.SearchAsync("t1", "tool", null, null, "2026-01-01", 10, default)).ActiveTenants);
        Assert.Equal(0, Assert.Single(await store.SearchAsync("t1", "tool", null, null, "2026-01-03", 10, default)).ActiveTenants);

        var sub = new SubmissionRow { Id = "s1", TenantId = "t1", ListingId = "acme/json-path-pick", Version = "1.0.0", State = "queued", Checks = "[]", CreatedAt = T0 };
        await store.InsertSubmissionAsync(sub, default);
        Assert.Null(await store.GetSubmissionAsync("t2", "s1", default));
        Assert.Single(await store.ListSubmissionsAsync("queued", default));
        sub.State = "published";
        await store.UpdateSubmissionAsync(sub, default);
        Assert.Equal("published", (await store.FindSubmissionAsync("s1", default))!.State);
    }

    [ContractFact]
    public async Task HeldVotes_NotCountedUntilReleased_ReleasedOnce()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IMarketplaceStore>();
        await store.SaveListingAsync(Listing("acme/json-path-pick", "t1"), default);
        Assert.Equal(T0, await store.TenantCreatedAtAsync("t1", default));
        Assert.Null(await store.TenantCreatedAtAsync("nobody", default));
        await store.UpsertVoteAsync(new VoteRow { Id = "rv_c", ListingId = "acme/json-path-pick", TenantId = "t1", Up = true, CreatedAt = T0, CountsAt = T0, Counted = true }, default);
        await store.UpsertVoteAsync(new VoteRow
        {
            Id = "rv_h", ListingId = "acme/json-path-pick", TenantId = "t2", Up = false, Text = "young", CreatedAt = T0, CountsAt = "2026-01-08T00:00:00.0000000Z", Counted = false,
        }, default);
        var listing = await store.GetListingAsync("t1", "acme/json-path-pick", default);
        Assert.Equal((1L, 0L), (listing!.VotesUp, listing.VotesDown));
        var held = (await store.ListVotesAsync("acme/json-path-pick", 10, default)).Single(v => v.Id == "rv_h");
        Assert.Equal((false, "2026-01-08T00:00:00.0000000Z"), (held.Counted, held.CountsAt));

        Assert.Equal(0, await store.ReleaseHeldVotesAsync("2026-01-07T23:59:59.0000000Z", default));
        Assert.Equal(0L, (await store.GetListingAsync("t1", "acme/json-path-pick", default))!.VotesDown);
        Assert.Equal(1, await store.ReleaseHeldVotesAsync("2026-01-08T00:00:00.0000000Z", default));
        Assert.Equal(0, await store.ReleaseHeldVotesAsync("2026-02-01T00:00:00.0000000Z", default));
        listing = await store.GetListingAsync("t1", "acme/json-path-pick", default);
        Assert.Equal((1L, 1L), (listing!.VotesUp, listing.VotesDown));
    }

    [ContractFact]
    public async Task ReviewReports_HideAfterThreeDistinctTenants_RestoreDropsThem()
    {
        await using var h = await CreateAsync();
        var accounts = h.Get<IAccountStore>();
        foreach (var t in new[] { "t3", "t4" })
        {
            Assert.True(await accounts.CreateTenantWithUserAsync(new TenantRow { Id = t, Name = "name-" + t, CreatedAt = T0 },
                new UserRow { Id = "u" + t, TenantId = t, Email = t + "@example.com", PasswordHash = "h", Role = "owner", CreatedAt = T0, UpdatedAt = T0 }, false, default));
        }
        var store = h.Get<IMarketplaceStore>();
        await store.SaveListingAsync(Listing("acme/json-path-pick", "t1"), default);
        await store.UpsertVoteAsync(new VoteRow { Id = "rv_x", ListingId = "acme/json-path-pick", TenantId = "t1", Up = true, Text = "spam spam", CreatedAt = T0, CountsAt = T0 }, default);
        ReviewReportRow Report(string tenant, string reason = "spam") => new() { ReviewId = "rv_x", TenantId = tenant, Reason = reason, CreatedAt = T0 };

        Assert.Null(await store.ReportReviewAsync(new ReviewReportRow { ReviewId = "rv_none", TenantId = "t2", Reason = "spam", CreatedAt = T0 }, 3, default));
        Assert.Equal(new ReviewReportOutcome(1, false, true), await store.ReportReviewAsync(Report("t2"), 3, default));
        Assert.Equal(new ReviewReportOutcome(1, false, false), await store.ReportReviewAsync(Report("t2", "other"), 3, default)); // a repeat is not a new tenant
        Assert.Equal(new ReviewReportOutcome(2, false, true), await store.ReportReviewAsync(Report("t3"), 3, default));
        Assert.Empty(await store.ListHiddenReviewsAsync(10, default));
        Assert.False(await store.RestoreReviewAsync("rv_x", default)); // not hidden
        Assert.Equal(new ReviewReportOutcome(3, true, true), await store.ReportReviewAsync(Report("t4"), 3, default));
        var hidden = Assert.Single(await store.ListHiddenReviewsAsync(10, default));
        Assert.Equal(("rv_x", "t1", 3L, "spam spam"), (hidden.Id, hidden.TenantId, hidden.Reports, hidden.Text));
        Assert.NotNull((await store.FindReviewAsync("rv_x", default))!.HiddenAt);
        // The author replacing its vote does not unhide it.
        await store.UpsertVoteAsync(new VoteRow { Id = "rv_y", ListingId = "acme/json-path-pick", TenantId = "t1", Up = true, Text = "edited", CreatedAt = T0, CountsAt = T0 }, default);
        Assert.NotNull((await store.FindReviewAsync("rv_x", default))!.HiddenAt);

        Assert.True(await store.RestoreReviewAsync("rv_x", default));
        var restored = await store.FindReviewAsync("rv_x", default);
        Assert.Equal((null, 0L), (restored!.HiddenAt, restored.Reports));
        Assert.Empty(await store.ListHiddenReviewsAsync(10, default));
        Assert.Equal(new ReviewReportOutcome(1, false, true), await store.ReportReviewAsync(Report("t2"), 3, default)); // counting starts over
    }

    [ContractFact]
    public async Task TemplateFlows_PerTenant_ReplacedAndDeleted()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IMarketplaceStore>();
        var row = new TemplateFlowRow { TenantId = "t1", FlowId = "f1", ListingId = "acme/desk", Version = "1.0.0", Digest = "sha256:a", Inputs = "{\"label\":\"x\"}", Secrets = "[\"KEY\"]", CreatedAt = T0 };
        await store.SaveTemplateFlowAsync(row, default);
        await store.SaveTemplateFlowAsync(new TemplateFlowRow { TenantId = "t2", FlowId = "f2", ListingId = "acme/desk", Version = "1.0.0", Digest = "sha256:a", CreatedAt = T0 }, default);
        Assert.Null(await store.GetTemplateFlowAsync("t2", "f1", default));
        var got = await store.GetTemplateFlowAsync("t1", "f1", default);
        Assert.Equal(("acme/desk", "1.0.0", "sha256:a", "{\"label\":\"x\"}", "[\"KEY\"]"), (got!.ListingId, got.Version, got.Digest, got.Inputs, got.Secrets));
        row.Version = "1.1.0";
        row.Secrets = "[]";
        await store.SaveTemplateFlowAsync(row, default);
        var only = Assert.Single(await store.ListTemplateFlowsAsync("t1", default));
        Assert.Equal(("1.1.0", "[]"), (only.Version, only.Secrets));
        await store.DeleteTemplateFlowAsync("t2", "f1", default); // another tenant's delete touches nothing
        Assert.NotNull(await store.GetTemplateFlowAsync("t1", "f1", default));
        await store.DeleteTemplateFlowAsync("t1", "f1", default);
        Assert.Empty(await store.ListTemplateFlowsAsync("t1", default));
        Assert.Single(await store.ListTemplateFlowsAsync("t2", default));
    }

    [ContractFact]
    public async Task Revocations_AddedOnce_Listed()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IMarketplaceStore>();
        Assert.True(await store.AddRevocationAsync(new RevocationRow { Kind = "key", Value = "0123456789abcdef", Reason = "leaked", At = T0 }, default));
        Assert.False(await store.AddRevocationAsync(new RevocationRow { Kind = "key", Value = "0123456789abcdef", Reason = "again", At = T0 }, default));
        Assert.True(await store.AddRevocationAsync(new RevocationRow { Kind = "version", Value = "acme/x@1.0.0", Reason = "malware", At = T0 }, default));
        var all = await store.ListRevocationsAsync(default);
        Assert.Equal(2, all.Count);
        Assert.Equal("leaked", all.Single(r => r.Kind == "key").Reason);
    }

    [ContractFact]
    public async Task Reports_OnePerTenant_StatsCountInstallsVotesActiveTenantsAndReports()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IMarketplaceStore>();
        await store.SaveListingAsync(Listing("acme/json-path-pick", "t1"), default);
        await store.SaveListingAsync(Listing("acme/secret-one", "t1", visibility: "private"), default);
        await store.SaveListingAsync(Listing("other/thing", "t2"), default);
        Assert.True(await store.InsertInstallAsync(new InstallRow
        {
            Id = "i1", TenantId = "t2", ListingId = "acme/json-path-pick", Kind = "tool", Version = "1.0.0", Major = "1", Digest = "d", PermissionsHash = "h",
            CreatedAt = T0, UpdatedAt = T0,
        }, default));
        await store.UpsertVoteAsync(new VoteRow { Id = "rv_s", ListingId = "acme/json-path-pick", TenantId = "t2", Up = true, CreatedAt = T0 }, default);
        await store.RecordUsageAsync("t2", "acme/json-path-pick", "2026-01-10", default);
        await store.RecordUsageAsync("t1", "acme/json-path-pick", "2025-11-01", default); // before the window
        Assert.True(await store.UpsertReportAsync(new ReportRow { ListingId = "acme/json-path-pick", TenantId = "t2", Reason = "spam", CreatedAt = T0 }, default));
        Assert.False(await store.UpsertReportAsync(new ReportRow { ListingId = "acme/json-path-pick", TenantId = "t2", Reason = "malware", Text = "steals", CreatedAt = "2026-01-02T00:00:00.0000000Z" }, default));
        var report = Assert.Single(await store.ListReportsAsync(10, default));
        Assert.Equal(("malware", "steals"), (report.Reason, report.Text));

        var stats = await store.PublisherStatsAsync("t1", "2026-01-01", default);
        Assert.Equal(["acme/json-path-pick", "acme/secret-one"], stats.Select(s => s.ListingId));
        var pick = stats[0];
        Assert.Equal((1L, 1L, 0L, 1L, 1L), (pick.Installs, pick.VotesUp, pick.VotesDown, pick.ActiveTenants, pick.Reports));
        Assert.Equal("private", stats[1].Visibility);
        Assert.Equal(["other/thing"], (await store.PublisherStatsAsync("t2", "2026-01-01", default)).Select(s => s.ListingId));
    }
}

public sealed class SqliteMarketplaceStoreContract : MarketplaceStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;
}

public sealed class PostgresMarketplaceStoreContract : MarketplaceStoreContract
{
    protected override string Provider => StorageProviders.Postgres;
}
