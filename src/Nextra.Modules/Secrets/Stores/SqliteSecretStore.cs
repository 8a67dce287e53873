using Dapper;
using Microsoft.Data.Sqlite;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Secrets.Stores;

internal sealed class SqliteSecretStore(ISqliteConnectionFactory db) : ISecretStore
{
    public async Task<IReadOnlyList<SecretNameRow>> ListAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        var rows = await conn.QueryAsync<SecretNameRow>(
            "SELECT name, updated_at FROM secrets WHERE tenant_id = @tenantId ORDER BY name", new { tenantId });
        return rows.AsList();
    }

    // Plain ADO.NET for the BLOB column: Dapper.AOT expands byte[] parameters like a list ("row value misused").
    public async Task<byte[]?> GetValueAsync(string tenantId, string name, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT value FROM secrets WHERE tenant_id = $tenant AND name = $name";
        cmd.Parameters.AddWithValue("$tenant", tenantId);
        cmd.Parameters.AddWithValue("$name", name);
        return await cmd.ExecuteScalarAsync(ct) as byte[];
    }

    public async Task<bool> UpsertAsync(SecretRow row, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(ct);
        var existed = await conn.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM secrets WHERE tenant_id = @TenantId AND name = @Name", new { row.TenantId, row.Name }, tx) > 0;
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        // created_at survives a replace (ON CONFLICT does not touch it).
        cmd.CommandText = """
            INSERT INTO secrets (tenant_id, name, value, created_at, updated_at, updated_by)
            VALUES ($tenant, $name, $value, $created, $updated, $by)
            ON CONFLICT (tenant_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
                updated_by = excluded.updated_by
            """;
        cmd.Parameters.AddWithValue("$tenant", row.TenantId);
        cmd.Parameters.AddWithValue("$name", row.Name);
        cmd.Parameters.Add("$value", SqliteType.Blob).Value = row.Value;
        cmd.Parameters.AddWithValue("$created", row.CreatedAt);
        cmd.Parameters.AddWithValue("$updated", row.UpdatedAt);
        cmd.Parameters.AddWithValue("$by", (object?)row.UpdatedBy ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return !existed;
    }

    public async Task<bool> DeleteAsync(string tenantId, string name, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        return await conn.ExecuteAsync("DELETE FROM secrets WHERE tenant_id = @tenantId AND name = @name", new { tenantId, name }) > 0;
    }
}
