using Dapper;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Secrets.Stores;

/// <summary><see cref="ISecretStore"/> on Postgres (hosted mode): ciphertext in a <c>bytea</c> column.</summary>
internal sealed class PostgresSecretStore(IPostgresConnectionFactory db) : ISecretStore
{
    public async Task<IReadOnlyList<SecretNameRow>> ListAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<SecretNameRow>(
            "SELECT name, updated_at FROM secrets WHERE tenant_id = @tenantId ORDER BY name", new { tenantId });
        return rows.AsList();
    }

    // Plain ADO.NET for the bytea column: Dapper.AOT expands byte[] parameters like a list.
    public async Task<byte[]?> GetValueAsync(string tenantId, string name, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ScalarAsync(null, "SELECT value FROM secrets WHERE tenant_id = @tenant AND name = @name", ct,
            ("tenant", tenantId), ("name", name)) as byte[];
    }

    public async Task<bool> UpsertAsync(SecretRow row, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        // xmax = 0 only on a freshly inserted row: one statement tells new from replaced, without a race.
        // created_at survives a replace (ON CONFLICT does not touch it).
        return await conn.ScalarAsync(null, """
            INSERT INTO secrets (tenant_id, name, value, created_at, updated_at, updated_by)
            VALUES (@tenant, @name, @value, @created, @updated, @by)
            ON CONFLICT (tenant_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
                updated_by = excluded.updated_by
            RETURNING (xmax = 0)
            """, ct, ("tenant", row.TenantId), ("name", row.Name), ("value", row.Value), ("created", row.CreatedAt),
            ("updated", row.UpdatedAt), ("by", row.UpdatedBy)) is true;
    }

    public async Task<bool> DeleteAsync(string tenantId, string name, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("DELETE FROM secrets WHERE tenant_id = @tenantId AND name = @name", new { tenantId, name }) > 0;
    }
}
