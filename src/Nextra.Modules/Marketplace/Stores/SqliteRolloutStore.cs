using Microsoft.Data.Sqlite;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Marketplace.Stores;

/// <summary><see cref="IRolloutStore"/> on SQLite: each change is one guarded statement.</summary>
internal sealed class SqliteRolloutStore(ISqliteConnectionFactory db) : IRolloutStore
{
    private const string InstallCols = "id, tenant_id, listing_id, kind, version, major, digest, permissions, permissions_hash, secret_bindings, auto_update, pending_version, previous_version, created_at, updated_at";
    private const string RolloutCols = "listing_id, version, major, started_at, state, detail, decided_at";

    public async Task<IReadOnlyList<InstallRow>> AutoUpdateInstallsAsync(CancellationToken ct) =>
        await QueryAsync($"SELECT {InstallCols} FROM marketplace_installs WHERE auto_update = 1 AND kind = 'tool' ORDER BY listing_id, tenant_id", r => new InstallRow
        {
            Id = r.GetString(0), TenantId = r.GetString(1), ListingId = r.GetString(2), Kind = r.GetString(3), Version = r.GetString(4), Major = r.GetString(5),
            Digest = r.GetString(6), Permissions = r.GetString(7), PermissionsHash = r.GetString(8), SecretBindings = r.GetString(9), AutoUpdate = r.GetInt64(10) != 0,
            PendingVersion = r.StringOrNull(11), PreviousVersion = r.StringOrNull(12), CreatedAt = r.GetString(13), UpdatedAt = r.GetString(14),
        }, ct);

    public async Task<RolloutRow> GetOrStartAsync(RolloutRow candidate, CancellationToken ct)
    {
        await ExecAsync($"INSERT INTO marketplace_rollouts ({RolloutCols}) VALUES (@l, @v, @m, @s, @st, @d, @da) ON CONFLICT (listing_id, version) DO NOTHING", ct,
            ("@l", candidate.ListingId), ("@v", candidate.Version), ("@m", candidate.Major), ("@s", candidate.StartedAt), ("@st", candidate.State),
            ("@d", candidate.Detail), ("@da", candidate.DecidedAt));
        return await GetAsync(candidate.ListingId, candidate.Version, ct) ?? candidate;
    }

    public async Task<RolloutRow?> GetAsync(string listingId, string version, CancellationToken ct) =>
        (await QueryAsync($"SELECT {RolloutCols} FROM marketplace_rollouts WHERE listing_id = @l AND version = @v", r => new RolloutRow
        {
            ListingId = r.GetString(0), Version = r.GetString(1), Major = r.GetString(2), StartedAt = r.GetString(3), State = r.GetString(4),
            Detail = r.StringOrNull(5), DecidedAt = r.StringOrNull(6),
        }, ct, ("@l", listingId), ("@v", version))).FirstOrDefault();

    public async Task<bool> DecideAsync(string listingId, string version, string state, string? detail, string at, CancellationToken ct) =>
        await ExecAsync("UPDATE marketplace_rollouts SET state = @st, detail = @d, decided_at = @at WHERE listing_id = @l AND version = @v AND state = 'first'", ct,
            ("@st", state), ("@d", detail), ("@at", at), ("@l", listingId), ("@v", version)) == 1;

    public async Task<bool> MoveInstallAsync(InstallRow row, string from, CancellationToken ct) =>
        await ExecAsync($"""
            UPDATE marketplace_installs SET previous_version = version, version = @v, digest = @d, permissions = @p, permissions_hash = @ph,
                pending_version = CASE WHEN pending_version = @v THEN NULL ELSE pending_version END, updated_at = @ua
            WHERE id = @id AND version = @from AND auto_update = 1
            """, ct, ("@v", row.Version), ("@d", row.Digest), ("@p", row.Permissions), ("@ph", row.PermissionsHash), ("@ua", row.UpdatedAt),
            ("@id", row.Id), ("@from", from)) == 1;

    public async Task<bool> HoldInstallAsync(string installId, string version, string at, CancellationToken ct) =>
        await ExecAsync("UPDATE marketplace_installs SET pending_version = @v, updated_at = @at WHERE id = @id AND (pending_version IS NULL OR pending_version <> @v)", ct,
            ("@v", version), ("@at", at), ("@id", installId)) == 1;

    private async Task<List<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> map, CancellationToken ct, params (string, object?)[] args)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        await using var cmd = conn.Command(sql, null, args);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(map(reader));
        return rows;
    }

    private async Task<int> ExecAsync(string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        await using var cmd = conn.Command(sql, null, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
