using Dapper;
using Nextra.Modules.Storage;

namespace Nextra.Modules.WasmModules.Stores;

/// <summary>
/// <see cref="IWasmModuleStore"/> on Postgres (hosted mode): sources and built binaries in <c>bytea</c>; quota and
/// next version under a per-tenant advisory lock. Plain ADO.NET where bytes are involved (Dapper.AOT expands byte[]).
/// </summary>
internal sealed class PostgresWasmModuleStore(IPostgresConnectionFactory db) : IWasmModuleStore
{
    private const string Meta = "id AS Id, tenant_id AS TenantId, name AS Name, version AS Version, kind AS Kind, size AS Size, wit AS Wit, created_at AS CreatedAt, created_by AS CreatedBy";

    public async Task<IReadOnlyList<WasmModuleRow>> ListAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<WasmModuleRow>(
            $"SELECT {Meta} FROM wasm_modules WHERE tenant_id = @tenantId ORDER BY name, CAST(version AS BIGINT) DESC", new { tenantId });
        return rows.AsList();
    }

    public async Task<WasmModuleRow?> GetAsync(string tenantId, string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<WasmModuleRow>(
            $"SELECT {Meta} FROM wasm_modules WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id });
    }

    public async Task<IReadOnlyList<WasmModuleRow>> GetCodeAsync(string tenantId, IReadOnlyCollection<string>? names, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync(null, "SELECT id, name, version, kind, content, wasm FROM wasm_modules WHERE tenant_id = @tenantId",
            r => new WasmModuleRow
            {
                Id = r.GetString(0), TenantId = tenantId, Name = r.GetString(1), Version = r.GetString(2), Kind = r.GetString(3),
                Content = r.GetFieldValue<byte[]>(4), Wasm = r.IsDBNull(5) ? null : r.GetFieldValue<byte[]>(5),
            }, ct, ("tenantId", tenantId));
        return names is null ? rows : rows.Where(r => names.Contains(r.Name)).ToList();
    }

    public async Task<WasmModuleRow?> InsertAsync(WasmModuleRow row, int maxModules, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        // One transaction under a per-tenant lock: quota, next version and insert must not interleave with another upload.
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.LockAsync(tx, "wasm_modules:" + row.TenantId, ct);
        var count = (long)(await conn.ScalarAsync(tx, "SELECT COUNT(*) FROM wasm_modules WHERE tenant_id = @tenantId", ct, ("tenantId", row.TenantId)))!;
        if (count >= maxModules)
            return null;
        var last = (long)(await conn.ScalarAsync(tx,
            "SELECT COALESCE(MAX(CAST(version AS BIGINT)), 0)::bigint FROM wasm_modules WHERE tenant_id = @tenantId AND name = @name", ct,
            ("tenantId", row.TenantId), ("name", row.Name)))!;
        row.Version = (last + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await conn.ExecAsync(tx, """
            INSERT INTO wasm_modules (id, tenant_id, name, version, kind, content, wasm, wit, size, created_at, created_by)
            VALUES (@id, @tenantId, @name, @version, @kind, @content, @wasm, @wit, @size, @createdAt, @createdBy)
            """, ct, ("id", row.Id), ("tenantId", row.TenantId), ("name", row.Name), ("version", row.Version), ("kind", row.Kind),
            ("content", row.Content!), ("wasm", row.Wasm), ("wit", row.Wit), ("size", row.Size), ("createdAt", row.CreatedAt), ("createdBy", row.CreatedBy));
        await tx.CommitAsync(ct);
        return row;
    }

    public async Task<bool> DeleteAsync(string tenantId, string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("DELETE FROM wasm_modules WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id }) > 0;
    }
}
