using Npgsql;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Marketplace.Stores;

/// <summary><see cref="IMarketplaceStore"/> on Postgres (hosted mode): a generated, weighted <c>tsvector</c> with a GIN index, <c>websearch_to_tsquery</c> and <c>ts_rank_cd</c>.</summary>
internal sealed class PostgresMarketplaceStore(IPostgresConnectionFactory db) : IMarketplaceStore
{
    private const string ListingCols = "l.id, l.kind, l.publisher, l.name, l.tenant_id, l.display_name, l.summary, l.readme, l.categories, l.visibility, l.review_level, l.latest_version, l.installs, l.votes_up, l.votes_down, l.created_at, l.updated_at";
    private const string VersionMeta = "listing_id, version, state, manifest, digest, statement, signature, signer_key_id, approval, countersignature, counter_key_id, created_at, publisher_key";
    private const string InstallCols = "id, tenant_id, listing_id, kind, version, major, digest, permissions, permissions_hash, secret_bindings, auto_update, pending_version, previous_version, created_at, updated_at";

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params (string, object?)[] args)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var cmd = conn.Command(sql, null, args);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(map(reader));
        return rows;
    }

    private async Task<int> ExecAsync(string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var cmd = conn.Command(sql, null, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<PublisherRow?> GetPublisherAsync(string tenantId, CancellationToken ct) =>
        (await QueryAsync("SELECT tenant_id, handle, published, key_id, public_key, private_key, created_at FROM marketplace_publishers WHERE tenant_id = @t",
            Publisher, ct, ("@t", tenantId))).FirstOrDefault();

    public async Task<PublisherRow?> FindPublisherByHandleAsync(string handle, CancellationToken ct) =>
        (await QueryAsync("SELECT tenant_id, handle, published, key_id, public_key, private_key, created_at FROM marketplace_publishers WHERE handle = @h",
            Publisher, ct, ("@h", handle))).FirstOrDefault();

    private static PublisherRow Publisher(NpgsqlDataReader r) => new()
    {
        TenantId = r.GetString(0), Handle = r.GetString(1), Published = r.GetBoolean(2), KeyId = r.GetString(3), PublicKey = r.GetString(4),
        PrivateKey = (byte[])r.GetValue(5), CreatedAt = r.GetString(6),
    };

    public async Task<bool> SavePublisherAsync(PublisherRow row, CancellationToken ct)
    {
        try
        {
            await ExecAsync("""
                INSERT INTO marketplace_publishers (tenant_id, handle, published, key_id, public_key, private_key, created_at)
                VALUES (@t, @h, @p, @k, @pub, @priv, @c)
                ON CONFLICT (tenant_id) DO UPDATE SET handle = excluded.handle, published = excluded.published
                """, ct, ("@t", row.TenantId), ("@h", row.Handle), ("@p", row.Published), ("@k", row.KeyId), ("@pub", row.PublicKey),
                ("@priv", row.PrivateKey), ("@c", row.CreatedAt));
            return true;
        }
        catch (PostgresException ex) when (ex.IsUniqueViolation()) // the handle is taken
        {
            return false;
        }
    }

    public async Task<ServerKeyRow> GetOrAddServerKeyAsync(ServerKeyRow candidate, CancellationToken ct)
    {
        await ExecAsync("INSERT INTO marketplace_server_keys (name, key_id, public_key, private_key, created_at) VALUES (@n, @k, @pub, @priv, @c) ON CONFLICT (name) DO NOTHING",
            ct, ("@n", candidate.Name), ("@k", candidate.KeyId), ("@pub", candidate.PublicKey), ("@priv", candidate.PrivateKey), ("@c", candidate.CreatedAt));
        return (await QueryAsync("SELECT name, key_id, public_key, private_key, created_at FROM marketplace_server_keys WHERE name = @n", r => new ServerKeyRow
        {
            Name = r.GetString(0), KeyId = r.GetString(1), PublicKey = r.GetString(2), PrivateKey = (byte[])r.GetValue(3), CreatedAt = r.GetString(4),
        }, ct, ("@n", candidate.Name)))[0];
    }

    private static ListingRow Listing(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0), Kind = r.GetString(1), Publisher = r.GetString(2), Name = r.GetString(3), TenantId = r.GetString(4), DisplayName = r.GetString(5),
        Summary = r.GetString(6), Readme = r.GetString(7), Categories = r.GetString(8), Visibility = r.GetString(9), ReviewLevel = r.GetString(10),
        LatestVersion = r.StringOrNull(11), Installs = r.GetInt64(12), VotesUp = r.GetInt64(13), VotesDown = r.GetInt64(14), CreatedAt = r.GetString(15), UpdatedAt = r.GetString(16),
    };

    public async Task<ListingRow?> GetListingAsync(string viewerTenantId, string id, CancellationToken ct) =>
        (await QueryAsync($"SELECT {ListingCols} FROM marketplace_listings l WHERE l.id = @id AND (l.visibility = 'public' OR l.tenant_id = @t)",
            Listing, ct, ("@id", id), ("@t", viewerTenantId))).FirstOrDefault();

    public Task SaveListingAsync(ListingRow row, CancellationToken ct) => ExecAsync("""
        INSERT INTO marketplace_listings (id, kind, publisher, name, tenant_id, display_name, summary, readme, categories, visibility, review_level, latest_version, installs, votes_up, votes_down, created_at, updated_at)
        VALUES (@id, @kind, @pub, @name, @t, @dn, @s, @r, @c, @v, @rl, @lv, 0, 0, 0, @ca, @ua)
        ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, summary = excluded.summary, readme = excluded.readme, categories = excluded.categories,
            visibility = excluded.visibility, review_level = excluded.review_level, latest_version = excluded.latest_version, updated_at = excluded.updated_at
        """, ct, ("@id", row.Id), ("@kind", row.Kind), ("@pub", row.Publisher), ("@name", row.Name), ("@t", row.TenantId), ("@dn", row.DisplayName),
        ("@s", row.Summary), ("@r", row.Readme), ("@c", row.Categories), ("@v", row.Visibility), ("@rl", row.ReviewLevel), ("@lv", row.LatestVersion),
        ("@ca", row.CreatedAt), ("@ua", row.UpdatedAt));

    public async Task<IReadOnlyList<ListingHit>> SearchAsync(string viewerTenantId, string kind, string? query, string? category, string activeSince, int limit, CancellationToken ct)
    {
        const string Active = "(SELECT COUNT(DISTINCT u.tenant_id) FROM marketplace_usage u WHERE u.listing_id = l.id AND u.day >= @since), (SELECT v.manifest FROM marketplace_versions v WHERE v.listing_id = l.id AND v.version = l.latest_version)";
        const string Filter = "l.kind = @kind AND l.latest_version IS NOT NULL AND (l.visibility = 'public' OR l.tenant_id = @t) AND (CAST(@cat AS TEXT) IS NULL OR l.categories LIKE '%\"' || CAST(@cat AS TEXT) || '\"%')";
        if (string.IsNullOrWhiteSpace(query))
        {
            return await QueryAsync($"SELECT {ListingCols}, 1.0::float8, {Active} FROM marketplace_listings l WHERE {Filter} LIMIT @limit",
                r => new ListingHit(Listing(r), r.GetDouble(17), r.GetInt64(18), r.StringOrNull(19)), ct,
                ("@kind", kind), ("@t", viewerTenantId), ("@cat", category), ("@since", activeSince), ("@limit", limit));
        }
        // Prefix terms like the SQLite provider: each word of the text becomes word:* (punctuation dropped, so tsquery syntax is inert).
        var words = query.Split([' ', '\t', '-', '_', '/', '.', ',', '"', '\'', '(', ')', ':', '*', '&', '|', '!', '<', '>'], StringSplitOptions.RemoveEmptyEntries);
        var terms = words.Select(w => new string([.. w.Where(char.IsLetterOrDigit)]).ToLowerInvariant()).Where(w => w.Length > 0).ToArray();
        if (terms.Length == 0)
            return await SearchAsync(viewerTenantId, kind, null, category, activeSince, limit, ct);
        var tsq = string.Join(" & ", terms.Select(w => w + ":*"));
        return await QueryAsync($"""
            SELECT {ListingCols}, ts_rank_cd(l.search, q)::float8, {Active}
            FROM marketplace_listings l, to_tsquery('english', @q) q
            WHERE l.search @@ q AND {Filter} LIMIT @limit
            """, r => new ListingHit(Listing(r), r.GetDouble(17), r.GetInt64(18), r.StringOrNull(19)), ct,
            ("@q", tsq), ("@kind", kind), ("@t", viewerTenantId), ("@cat", category), ("@since", activeSince), ("@limit", limit));
    }

    public async Task<bool> InsertVersionAsync(VersionRow row, CancellationToken ct)
    {
        var n = await ExecAsync($"""
            INSERT INTO marketplace_versions ({VersionMeta}, content) VALUES (@l, @v, @s, @m, @d, @st, @sig, @sk, @a, @cs, @ck, @c, @pk, @content)
            ON CONFLICT (listing_id, version) DO NOTHING
            """, ct, ("@l", row.ListingId), ("@v", row.Version), ("@s", row.State), ("@m", row.Manifest), ("@d", row.Digest), ("@st", row.Statement),
            ("@sig", row.Signature), ("@sk", row.SignerKeyId), ("@a", row.Approval), ("@cs", row.Countersignature), ("@ck", row.CounterKeyId),
            ("@c", row.CreatedAt), ("@pk", row.PublisherKey), ("@content", row.Content));
        return n == 1;
    }

    private static VersionRow Version(NpgsqlDataReader r, bool content) => new()
    {
        ListingId = r.GetString(0), Version = r.GetString(1), State = r.GetString(2), Manifest = r.GetString(3), Digest = r.GetString(4), Statement = r.GetString(5),
        Signature = r.GetString(6), SignerKeyId = r.GetString(7), Approval = r.StringOrNull(8), Countersignature = r.StringOrNull(9), CounterKeyId = r.StringOrNull(10),
        CreatedAt = r.GetString(11), PublisherKey = r.StringOrNull(12), Content = content ? (byte[])r.GetValue(13) : [],
    };

    public async Task<VersionRow?> GetVersionAsync(string listingId, string version, CancellationToken ct) =>
        (await QueryAsync($"SELECT {VersionMeta}, content FROM marketplace_versions WHERE listing_id = @l AND version = @v",
            r => Version(r, true), ct, ("@l", listingId), ("@v", version))).FirstOrDefault();

    public async Task<IReadOnlyList<VersionRow>> ListVersionsAsync(string listingId, CancellationToken ct) =>
        await QueryAsync($"SELECT {VersionMeta} FROM marketplace_versions WHERE listing_id = @l ORDER BY created_at DESC, version DESC",
            r => Version(r, false), ct, ("@l", listingId));

    public Task UpdateVersionAsync(VersionRow row, CancellationToken ct) => ExecAsync("""
        UPDATE marketplace_versions SET state = @s, approval = @a, countersignature = @cs, counter_key_id = @ck WHERE listing_id = @l AND version = @v
        """, ct, ("@s", row.State), ("@a", row.Approval), ("@cs", row.Countersignature), ("@ck", row.CounterKeyId), ("@l", row.ListingId), ("@v", row.Version));

    private const string SubmissionCols = "id, tenant_id, listing_id, version, state, checks, created_at";

    private static SubmissionRow Submission(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0), TenantId = r.GetString(1), ListingId = r.GetString(2), Version = r.GetString(3), State = r.GetString(4), Checks = r.GetString(5), CreatedAt = r.GetString(6),
    };

    public Task InsertSubmissionAsync(SubmissionRow row, CancellationToken ct) => ExecAsync(
        $"INSERT INTO marketplace_submissions ({SubmissionCols}) VALUES (@id, @t, @l, @v, @s, @c, @ca)",
        ct, ("@id", row.Id), ("@t", row.TenantId), ("@l", row.ListingId), ("@v", row.Version), ("@s", row.State), ("@c", row.Checks), ("@ca", row.CreatedAt));

    public async Task<SubmissionRow?> GetSubmissionAsync(string tenantId, string id, CancellationToken ct) =>
        (await QueryAsync($"SELECT {SubmissionCols} FROM marketplace_submissions WHERE tenant_id = @t AND id = @id", Submission, ct, ("@t", tenantId), ("@id", id))).FirstOrDefault();

    public async Task<IReadOnlyList<SubmissionRow>> ListSubmissionsAsync(string state, CancellationToken ct) =>
        await QueryAsync($"SELECT {SubmissionCols} FROM marketplace_submissions WHERE state = @s ORDER BY created_at", Submission, ct, ("@s", state));

    public async Task<SubmissionRow?> FindSubmissionAsync(string id, CancellationToken ct) =>
        (await QueryAsync($"SELECT {SubmissionCols} FROM marketplace_submissions WHERE id = @id", Submission, ct, ("@id", id))).FirstOrDefault();

    public Task UpdateSubmissionAsync(SubmissionRow row, CancellationToken ct) => ExecAsync(
        "UPDATE marketplace_submissions SET state = @s, checks = @c WHERE id = @id AND tenant_id = @t", ct, ("@s", row.State), ("@c", row.Checks), ("@id", row.Id), ("@t", row.TenantId));

    private static InstallRow Install(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0), TenantId = r.GetString(1), ListingId = r.GetString(2), Kind = r.GetString(3), Version = r.GetString(4), Major = r.GetString(5), Digest = r.GetString(6),
        Permissions = r.GetString(7), PermissionsHash = r.GetString(8), SecretBindings = r.GetString(9), AutoUpdate = r.GetBoolean(10), PendingVersion = r.StringOrNull(11),
        PreviousVersion = r.StringOrNull(12), CreatedAt = r.GetString(13), UpdatedAt = r.GetString(14),
    };

    public async Task<bool> InsertInstallAsync(InstallRow row, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = conn.Command($"""
            INSERT INTO marketplace_installs ({InstallCols}) VALUES (@id, @t, @l, @k, @v, @maj, @d, @p, @ph, @sb, @au, @pv, @prev, @ca, @ua)
            ON CONFLICT (tenant_id, listing_id, major) DO NOTHING
            """, tx, ("@id", row.Id), ("@t", row.TenantId), ("@l", row.ListingId), ("@k", row.Kind), ("@v", row.Version), ("@maj", row.Major), ("@d", row.Digest),
            ("@p", row.Permissions), ("@ph", row.PermissionsHash), ("@sb", row.SecretBindings), ("@au", row.AutoUpdate), ("@pv", row.PendingVersion),
            ("@prev", row.PreviousVersion), ("@ca", row.CreatedAt), ("@ua", row.UpdatedAt)))
        {
            if (await cmd.ExecuteNonQueryAsync(ct) == 0)
                return false;
        }
        await using (var bump = conn.Command("UPDATE marketplace_listings SET installs = installs + 1 WHERE id = @l", tx, ("@l", row.ListingId)))
            await bump.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<InstallRow?> GetInstallAsync(string tenantId, string id, CancellationToken ct) =>
        (await QueryAsync($"SELECT {InstallCols} FROM marketplace_installs WHERE tenant_id = @t AND id = @id", Install, ct, ("@t", tenantId), ("@id", id))).FirstOrDefault();

    public async Task<IReadOnlyList<InstallRow>> ListInstallsAsync(string tenantId, CancellationToken ct) =>
        await QueryAsync($"SELECT {InstallCols} FROM marketplace_installs WHERE tenant_id = @t ORDER BY listing_id, major", Install, ct, ("@t", tenantId));

    public Task UpdateInstallAsync(InstallRow row, CancellationToken ct) => ExecAsync("""
        UPDATE marketplace_installs SET version = @v, digest = @d, permissions = @p, permissions_hash = @ph, secret_bindings = @sb, auto_update = @au,
            pending_version = @pv, previous_version = @prev, updated_at = @ua
        WHERE tenant_id = @t AND id = @id
        """, ct, ("@v", row.Version), ("@d", row.Digest), ("@p", row.Permissions), ("@ph", row.PermissionsHash), ("@sb", row.SecretBindings),
        ("@au", row.AutoUpdate), ("@pv", row.PendingVersion), ("@prev", row.PreviousVersion), ("@ua", row.UpdatedAt), ("@t", row.TenantId), ("@id", row.Id));

    public async Task<bool> DeleteInstallAsync(string tenantId, string id, CancellationToken ct) =>
        await ExecAsync("DELETE FROM marketplace_installs WHERE tenant_id = @t AND id = @id", ct, ("@t", tenantId), ("@id", id)) > 0;

    private const string VoteCols = "v.id, v.listing_id, v.tenant_id, v.up, v.text, v.created_at, v.counts_at, v.counted, v.hidden_at, (SELECT COUNT(*) FROM marketplace_review_reports p WHERE p.review_id = v.id), v.reply, v.reply_at";

    private static VoteRow Vote(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0), ListingId = r.GetString(1), TenantId = r.GetString(2), Up = r.GetBoolean(3), Text = r.StringOrNull(4), CreatedAt = r.GetString(5),
        CountsAt = r.GetString(6), Counted = r.GetBoolean(7), HiddenAt = r.StringOrNull(8), Reports = r.GetInt64(9),
        Reply = r.StringOrNull(10), ReplyAt = r.StringOrNull(11),
    };

    private const string Recount = """
        UPDATE marketplace_listings SET votes_up = (SELECT COUNT(*) FROM marketplace_votes WHERE listing_id = @l AND up AND counted),
            votes_down = (SELECT COUNT(*) FROM marketplace_votes WHERE listing_id = @l AND NOT up AND counted) WHERE id = @l
        """;

    public async Task<string> UpsertVoteAsync(VoteRow row, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        string id;
        await using (var cmd = conn.Command("""
            INSERT INTO marketplace_votes (id, listing_id, tenant_id, up, text, created_at, counts_at, counted) VALUES (@id, @l, @t, @u, @x, @c, @ca, @cd)
            ON CONFLICT (listing_id, tenant_id) DO UPDATE SET up = excluded.up, text = excluded.text, created_at = excluded.created_at,
                counts_at = excluded.counts_at, counted = excluded.counted,
                reply = CASE WHEN marketplace_votes.text IS NOT DISTINCT FROM excluded.text THEN marketplace_votes.reply END, reply_at = CASE WHEN marketplace_votes.text IS NOT DISTINCT FROM excluded.text THEN marketplace_votes.reply_at END
            RETURNING id
            """, tx, ("@id", row.Id), ("@l", row.ListingId), ("@t", row.TenantId), ("@u", row.Up), ("@x", row.Text), ("@c", row.CreatedAt),
            ("@ca", row.CountsAt), ("@cd", row.Counted)))
            id = (string)(await cmd.ExecuteScalarAsync(ct))!;
        await using (var count = conn.Command(Recount, tx, ("@l", row.ListingId)))
            await count.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return id;
    }

    public async Task<bool> ReplyToReviewAsync(string reviewId, string reply, string at, CancellationToken ct) =>
        await ExecAsync("UPDATE marketplace_votes SET reply = @r, reply_at = @at WHERE id = @id AND reply IS NULL", ct, ("@r", reply), ("@at", at), ("@id", reviewId)) == 1;

    public async Task<long> CountReviewsSinceAsync(string tenantId, string since, CancellationToken ct) =>
        (await QueryAsync("SELECT COUNT(*) FROM marketplace_votes WHERE tenant_id = @t AND text IS NOT NULL AND created_at >= @s", r => r.GetInt64(0), ct,
            ("@t", tenantId), ("@s", since))).Single();

    public async Task<IReadOnlyList<VoteRow>> ListVotesAsync(string listingId, int limit, CancellationToken ct) =>
        await QueryAsync($"SELECT {VoteCols} FROM marketplace_votes v WHERE v.listing_id = @l ORDER BY v.created_at DESC LIMIT @n", Vote, ct, ("@l", listingId), ("@n", limit));

    public async Task<int> ReleaseHeldVotesAsync(string now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var listings = new List<string>();
        await using (var mark = conn.Command("UPDATE marketplace_votes SET counted = TRUE WHERE NOT counted AND counts_at <= @now RETURNING listing_id", tx, ("@now", now)))
        await using (var reader = await mark.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) listings.Add(reader.GetString(0));
        }
        foreach (var listing in listings.Distinct(StringComparer.Ordinal))
        {
            await using var count = conn.Command(Recount, tx, ("@l", listing));
            await count.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return listings.Count;
    }

    public async Task<string?> TenantCreatedAtAsync(string tenantId, CancellationToken ct) =>
        (await QueryAsync("SELECT created_at FROM tenants WHERE id = @t", r => r.GetString(0), ct, ("@t", tenantId))).FirstOrDefault();

    public async Task<VoteRow?> FindReviewAsync(string reviewId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {VoteCols} FROM marketplace_votes v WHERE v.id = @id", Vote, ct, ("@id", reviewId))).FirstOrDefault();

    public async Task<ReviewReportOutcome?> ReportReviewAsync(ReviewReportRow row, int hideAfter, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // The review's row lock orders concurrent reports of it, so the one that makes the count reach the threshold sees it.
        await using (var exists = conn.Command("SELECT 1 FROM marketplace_votes WHERE id = @id FOR UPDATE", tx, ("@id", row.ReviewId)))
        {
            if (await exists.ExecuteScalarAsync(ct) is null)
                return null;
        }
        bool first;
        await using (var seen = conn.Command("SELECT 1 FROM marketplace_review_reports WHERE review_id = @r AND tenant_id = @t", tx, ("@r", row.ReviewId), ("@t", row.TenantId)))
            first = await seen.ExecuteScalarAsync(ct) is null;
        await using (var insert = conn.Command("""
            INSERT INTO marketplace_review_reports (review_id, tenant_id, reason, text, created_at) VALUES (@r, @t, @re, @x, @c)
            ON CONFLICT (review_id, tenant_id) DO UPDATE SET reason = excluded.reason, text = excluded.text
            """, tx, ("@r", row.ReviewId), ("@t", row.TenantId), ("@re", row.Reason), ("@x", row.Text), ("@c", row.CreatedAt)))
            await insert.ExecuteNonQueryAsync(ct);
        long reports;
        await using (var count = conn.Command("SELECT COUNT(*) FROM marketplace_review_reports WHERE review_id = @r", tx, ("@r", row.ReviewId)))
            reports = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        if (reports >= hideAfter)
        {
            await using var hide = conn.Command("UPDATE marketplace_votes SET hidden_at = @c WHERE id = @r AND hidden_at IS NULL", tx, ("@c", row.CreatedAt), ("@r", row.ReviewId));
            await hide.ExecuteNonQueryAsync(ct);
        }
        string? hidden;
        await using (var state = conn.Command("SELECT hidden_at FROM marketplace_votes WHERE id = @r", tx, ("@r", row.ReviewId)))
            hidden = await state.ExecuteScalarAsync(ct) as string;
        await tx.CommitAsync(ct);
        return new ReviewReportOutcome(reports, hidden is not null, first);
    }

    public async Task<IReadOnlyList<VoteRow>> ListHiddenReviewsAsync(int limit, CancellationToken ct) =>
        await QueryAsync($"SELECT {VoteCols} FROM marketplace_votes v WHERE v.hidden_at IS NOT NULL ORDER BY v.hidden_at DESC, v.id LIMIT @n", Vote, ct, ("@n", limit));

    public async Task<bool> RestoreReviewAsync(string reviewId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        int shown;
        await using (var show = conn.Command("UPDATE marketplace_votes SET hidden_at = NULL WHERE id = @r AND hidden_at IS NOT NULL", tx, ("@r", reviewId)))
            shown = await show.ExecuteNonQueryAsync(ct);
        if (shown == 0)
            return false;
        await using (var drop = conn.Command("DELETE FROM marketplace_review_reports WHERE review_id = @r", tx, ("@r", reviewId)))
            await drop.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public Task RecordUsageAsync(string tenantId, string listingId, string day, CancellationToken ct) => ExecAsync(
        "INSERT INTO marketplace_usage (tenant_id, listing_id, day) VALUES (@t, @l, @d) ON CONFLICT DO NOTHING", ct, ("@t", tenantId), ("@l", listingId), ("@d", day));

    public async Task<bool> HasUsedAsync(string tenantId, string listingId, CancellationToken ct) =>
        (await QueryAsync("SELECT 1::bigint FROM marketplace_usage WHERE tenant_id = @t AND listing_id = @l LIMIT 1", r => r.GetInt64(0), ct, ("@t", tenantId), ("@l", listingId))).Count > 0;

    private const string TemplateFlowCols = "tenant_id, flow_id, listing_id, version, digest, inputs, secrets, created_at";

    private static TemplateFlowRow TemplateFlow(NpgsqlDataReader r) => new()
    {
        TenantId = r.GetString(0), FlowId = r.GetString(1), ListingId = r.GetString(2), Version = r.GetString(3), Digest = r.GetString(4),
        Inputs = r.GetString(5), Secrets = r.GetString(6), CreatedAt = r.GetString(7),
    };

    public Task SaveTemplateFlowAsync(TemplateFlowRow row, CancellationToken ct) => ExecAsync($"""
        INSERT INTO marketplace_template_flows ({TemplateFlowCols}) VALUES (@t, @f, @l, @v, @d, @i, @s, @c)
        ON CONFLICT (tenant_id, flow_id) DO UPDATE SET listing_id = excluded.listing_id, version = excluded.version, digest = excluded.digest,
            inputs = excluded.inputs, secrets = excluded.secrets, created_at = excluded.created_at
        """, ct, ("@t", row.TenantId), ("@f", row.FlowId), ("@l", row.ListingId), ("@v", row.Version), ("@d", row.Digest), ("@i", row.Inputs),
        ("@s", row.Secrets), ("@c", row.CreatedAt));

    public async Task<TemplateFlowRow?> GetTemplateFlowAsync(string tenantId, string flowId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {TemplateFlowCols} FROM marketplace_template_flows WHERE tenant_id = @t AND flow_id = @f", TemplateFlow, ct,
            ("@t", tenantId), ("@f", flowId))).FirstOrDefault();

    public async Task<IReadOnlyList<TemplateFlowRow>> ListTemplateFlowsAsync(string tenantId, CancellationToken ct) =>
        await QueryAsync($"SELECT {TemplateFlowCols} FROM marketplace_template_flows WHERE tenant_id = @t ORDER BY created_at, flow_id", TemplateFlow, ct, ("@t", tenantId));

    public Task DeleteTemplateFlowAsync(string tenantId, string flowId, CancellationToken ct) =>
        ExecAsync("DELETE FROM marketplace_template_flows WHERE tenant_id = @t AND flow_id = @f", ct, ("@t", tenantId), ("@f", flowId));

    public async Task<bool> AddRevocationAsync(RevocationRow row, CancellationToken ct) =>
        await ExecAsync("INSERT INTO marketplace_revocations (kind, value, reason, at) VALUES (@k, @v, @r, @a) ON CONFLICT (kind, value) DO NOTHING",
            ct, ("@k", row.Kind), ("@v", row.Value), ("@r", row.Reason), ("@a", row.At)) > 0;

    public async Task<IReadOnlyList<RevocationRow>> ListRevocationsAsync(CancellationToken ct) =>
        await QueryAsync("SELECT kind, value, reason, at FROM marketplace_revocations ORDER BY at, kind, value",
            r => new RevocationRow { Kind = r.GetString(0), Value = r.GetString(1), Reason = r.GetString(2), At = r.GetString(3) }, ct);

    public async Task<bool> UpsertReportAsync(ReportRow row, CancellationToken ct)
    {
        var first = await ExecAsync("""
            INSERT INTO marketplace_reports (listing_id, tenant_id, reason, text, created_at) VALUES (@l, @t, @r, @x, @c)
            ON CONFLICT (listing_id, tenant_id) DO NOTHING
            """, ct, ("@l", row.ListingId), ("@t", row.TenantId), ("@r", row.Reason), ("@x", row.Text), ("@c", row.CreatedAt)) > 0;
        if (!first)
            await ExecAsync("UPDATE marketplace_reports SET reason = @r, text = @x, created_at = @c WHERE listing_id = @l AND tenant_id = @t",
                ct, ("@l", row.ListingId), ("@t", row.TenantId), ("@r", row.Reason), ("@x", row.Text), ("@c", row.CreatedAt));
        return first;
    }

    public async Task<IReadOnlyList<ReportRow>> ListReportsAsync(int limit, CancellationToken ct) =>
        await QueryAsync("SELECT listing_id, tenant_id, reason, text, created_at FROM marketplace_reports ORDER BY created_at DESC, listing_id LIMIT @n",
            r => new ReportRow { ListingId = r.GetString(0), TenantId = r.GetString(1), Reason = r.GetString(2), Text = r.StringOrNull(3), CreatedAt = r.GetString(4) },
            ct, ("@n", limit));

    public async Task<IReadOnlyList<ListingStatsRow>> PublisherStatsAsync(string tenantId, string activeSince, CancellationToken ct) =>
        await QueryAsync("""
            SELECT l.id, l.kind, l.latest_version, l.visibility, l.installs, l.votes_up, l.votes_down,
                (SELECT COUNT(DISTINCT u.tenant_id) FROM marketplace_usage u WHERE u.listing_id = l.id AND u.day >= @since),
                (SELECT COUNT(*) FROM marketplace_reports p WHERE p.listing_id = l.id)
            FROM marketplace_listings l WHERE l.tenant_id = @t ORDER BY l.id
            """, r => new ListingStatsRow(r.GetString(0), r.GetString(1), r.StringOrNull(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6),
                r.GetInt64(7), r.GetInt64(8)), ct, ("@t", tenantId), ("@since", activeSince));
}
