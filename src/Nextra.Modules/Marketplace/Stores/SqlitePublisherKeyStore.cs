using Microsoft.Data.Sqlite;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Marketplace.Stores;

/// <summary><see cref="IPublisherKeyStore"/> on SQLite: the cap is part of the INSERT, so concurrent registrations cannot pass it.</summary>
internal sealed class SqlitePublisherKeyStore(ISqliteConnectionFactory db) : IPublisherKeyStore
{
    private const string Cols = "key_id, tenant_id, public_key, name, created_at, revoked_at";

    public async Task<PublisherKeyAdd> AddAsync(PublisherKeyRow row, int maxActive, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        await using var cmd = conn.Command($"""
            INSERT INTO marketplace_publisher_keys ({Cols})
            SELECT @k, @t, @p, @n, @c, NULL
            WHERE (SELECT COUNT(*) FROM marketplace_publisher_keys WHERE tenant_id = @t AND revoked_at IS NULL) < @max
            ON CONFLICT (key_id) DO NOTHING
            """, null, ("@k", row.KeyId), ("@t", row.TenantId), ("@p", row.PublicKey), ("@n", row.Name), ("@c", row.CreatedAt), ("@max", maxActive));
        if (await cmd.ExecuteNonQueryAsync(ct) == 1)
            return PublisherKeyAdd.Added;
        return await GetAsync(row.KeyId, ct) is null ? PublisherKeyAdd.Full : PublisherKeyAdd.Exists;
    }

    public async Task<IReadOnlyList<PublisherKeyRow>> ListAsync(string tenantId, CancellationToken ct) =>
        await QueryAsync($"SELECT {Cols} FROM marketplace_publisher_keys WHERE tenant_id = @t ORDER BY created_at, key_id", ct, ("@t", tenantId));

    public async Task<PublisherKeyRow?> GetAsync(string keyId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {Cols} FROM marketplace_publisher_keys WHERE key_id = @k", ct, ("@k", keyId))).FirstOrDefault();

    public async Task<bool> RevokeAsync(string tenantId, string keyId, string at, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        await using var cmd = conn.Command("UPDATE marketplace_publisher_keys SET revoked_at = @at WHERE tenant_id = @t AND key_id = @k AND revoked_at IS NULL",
            null, ("@at", at), ("@t", tenantId), ("@k", keyId));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task<List<PublisherKeyRow>> QueryAsync(string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        await using var cmd = conn.Command(sql, null, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<PublisherKeyRow>();
        while (await r.ReadAsync(ct))
            rows.Add(new PublisherKeyRow { KeyId = r.GetString(0), TenantId = r.GetString(1), PublicKey = r.GetString(2), Name = r.GetString(3), CreatedAt = r.GetString(4), RevokedAt = r.StringOrNull(5) });
        return rows;
    }
}
