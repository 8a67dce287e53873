using Dapper;
using Microsoft.Data.Sqlite;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Memory.Stores;

internal sealed class SqliteProjectMemoryStore(ISqliteConnectionFactory db) : IProjectMemoryStore
{
    public async Task<byte[]?> GetAsync(string tenantId, string flowId, string key, CancellationToken ct)
    {
        // Plain ADO.NET for BLOBs: Dapper.AOT treats byte[] as a list to expand.
        await using var conn = await db.OpenAsync(ct: ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT value FROM project_memory WHERE tenant_id = @tenantId AND flow_id = @flowId AND key = @key";
        cmd.Parameters.AddWithValue("@tenantId", tenantId);
        cmd.Parameters.AddWithValue("@flowId", flowId);
        cmd.Parameters.AddWithValue("@key", key);
        return await cmd.ExecuteScalarAsync(ct) as byte[];
    }

    public async Task<IReadOnlyList<MemoryKeyRow>> ListAsync(string tenantId, string flowId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        var rows = await conn.QueryAsync<MemoryKeyRow>(
            "SELECT key AS Key, size AS Size FROM project_memory WHERE tenant_id = @tenantId AND flow_id = @flowId ORDER BY key", new { tenantId, flowId });
        return rows.AsList();
    }

    public async Task<bool> PutAsync(string tenantId, string flowId, string key, byte[] value, long maxBytes, string updatedAt, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        // One transaction: the quota check and the write must not interleave with another writer.
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(ct);
        var others = await conn.ExecuteScalarAsync<long>(
            "SELECT COALESCE(SUM(size), 0) FROM project_memory WHERE tenant_id = @tenantId AND flow_id = @flowId AND key <> @key",
            new { tenantId, flowId, key }, tx);
        if (others + value.Length > maxBytes)
        {
            return false;
        }
        await using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO project_memory (flow_id, tenant_id, key, value, size, updated_at)
                VALUES (@flowId, @tenantId, @key, @value, @size, @updatedAt)
                ON CONFLICT (flow_id, key) DO UPDATE SET value = excluded.value, size = excluded.size, updated_at = excluded.updated_at
                """;
            cmd.Parameters.AddWithValue("@flowId", flowId);
            cmd.Parameters.AddWithValue("@tenantId", tenantId);
            cmd.Parameters.AddWithValue("@key", key);
            cmd.Parameters.Add("@value", SqliteType.Blob).Value = value;
            cmd.Parameters.AddWithValue("@size", (long)value.Length);
            cmd.Parameters.AddWithValue("@updatedAt", updatedAt);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> DeleteAsync(string tenantId, string flowId, string key, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        return await conn.ExecuteAsync(
            "DELETE FROM project_memory WHERE tenant_id = @tenantId AND flow_id = @flowId AND key = @key", new { tenantId, flowId, key }) > 0;
    }
}
