using Dapper;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Memory.Stores;

/// <summary>
/// <see cref="IProjectMemoryStore"/> on Postgres (hosted mode), the source of truth of project memory: values in
/// <c>bytea</c>, the per-flow quota checked under a per-flow advisory lock.
/// </summary>
internal sealed class PostgresProjectMemoryStore(IPostgresConnectionFactory db) : IProjectMemoryStore
{
    public async Task<byte[]?> GetAsync(string tenantId, string flowId, string key, CancellationToken ct)
    {
        // Plain ADO.NET for bytea: Dapper.AOT treats byte[] as a list to expand.
        await using var conn = await db.OpenAsync(ct);
        return await conn.ScalarAsync(null, "SELECT value FROM project_memory WHERE tenant_id = @tenantId AND flow_id = @flowId AND key = @key", ct,
            ("tenantId", tenantId), ("flowId", flowId), ("key", key)) as byte[];
    }

    public async Task<IReadOnlyList<MemoryKeyRow>> ListAsync(string tenantId, string flowId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<MemoryKeyRow>(
            "SELECT key AS Key, size AS Size FROM project_memory WHERE tenant_id = @tenantId AND flow_id = @flowId ORDER BY key", new { tenantId, flowId });
        return rows.AsList();
    }

    public async Task<bool> PutAsync(string tenantId, string flowId, string key, byte[] value, long maxBytes, string updatedAt, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // The quota check and the write must not interleave with another writer of this flow.
        await conn.LockAsync(tx, "memory:" + tenantId + ":" + flowId, ct);
        var others = (long)(await conn.ScalarAsync(tx,
            "SELECT COALESCE(SUM(size), 0)::bigint FROM project_memory WHERE tenant_id = @tenantId AND flow_id = @flowId AND key <> @key", ct,
            ("tenantId", tenantId), ("flowId", flowId), ("key", key)))!;
        if (others + value.Length > maxBytes)
        {
            return false;
        }
        await conn.ExecAsync(tx, """
            INSERT INTO project_memory (flow_id, tenant_id, key, value, size, updated_at)
            VALUES (@flowId, @tenantId, @key, @value, @size, @updatedAt)
            ON CONFLICT (flow_id, key) DO UPDATE SET value = excluded.value, size = excluded.size, updated_at = excluded.updated_at
            WHERE project_memory.tenant_id = excluded.tenant_id
            """, ct, ("flowId", flowId), ("tenantId", tenantId), ("key", key), ("value", value), ("size", (long)value.Length), ("updatedAt", updatedAt));
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> DeleteAsync(string tenantId, string flowId, string key, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync(
            "DELETE FROM project_memory WHERE tenant_id = @tenantId AND flow_id = @flowId AND key = @key", new { tenantId, flowId, key }) > 0;
    }
}
