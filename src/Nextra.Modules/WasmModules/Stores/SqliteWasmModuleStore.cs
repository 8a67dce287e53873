using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Nextra.Modules.Storage;

namespace Nextra.Modules.WasmModules.Stores;

// Plain ADO.NET where BLOBs are involved: Dapper.AOT treats byte[] as a list to expand.
internal sealed class SqliteWasmModuleStore(ISqliteConnectionFactory db) : IWasmModuleStore
{
    private const string Meta = "id AS Id, tenant_id AS TenantId, name AS Name, version AS Version, kind AS Kind, size AS Size, wit AS Wit, created_at AS CreatedAt, created_by AS CreatedBy";

    public async Task<IReadOnlyList<WasmModuleRow>> ListAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        var rows = await conn.QueryAsync<WasmModuleRow>(
            $"SELECT {Meta} FROM wasm_modules WHERE tenant_id = @tenantId ORDER BY name, CAST(version AS INTEGER) DESC", new { tenantId });
        return rows.AsList();
    }

    public async Task<WasmModuleRow?> GetAsync(string tenantId, string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        return await conn.QueryFirstOrDefaultAsync<WasmModuleRow>(
            $"SELECT {Meta} FROM wasm_modules WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id });
    }

    public async Task<IReadOnlyList<WasmModuleRow>> GetCodeAsync(string tenantId, IReadOnlyCollection<string>? names, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT id, name, version, kind, content, wasm FROM wasm_modules WHERE tenant_id = @tenantId";
        cmd.Parameters.AddWithValue("@tenantId", tenantId);
        var rows = new List<WasmModuleRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var name = reader.GetString(1);
            if (names is not null && !names.Contains(name))
                continue;
            rows.Add(new WasmModuleRow
            {
                Id = reader.GetString(0), TenantId = tenantId, Name = name, Version = reader.GetString(2), Kind = reader.GetString(3),
                Content = (byte[])reader.GetValue(4), Wasm = reader.IsDBNull(5) ? null : (byte[])reader.GetValue(5),
            });
        }
        return rows;
    }

    public async Task<WasmModuleRow?> InsertAsync(WasmModuleRow row, int maxModules, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        // One transaction: quota, next version and insert must not interleave with another upload.
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(ct);
        var count = await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM wasm_modules WHERE tenant_id = @TenantId", new { row.TenantId }, tx);
        if (count >= maxModules)
            return null;
        var last = await conn.ExecuteScalarAsync<long>(
            "SELECT COALESCE(MAX(CAST(version AS INTEGER)), 0) FROM wasm_modules WHERE tenant_id = @TenantId AND name = @Name", new { row.TenantId, row.Name }, tx);
        row.Version = (last + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO wasm_modules (id, tenant_id, name, version, kind, content, wasm, wit, size, created_at, created_by)
                VALUES (@id, @tenantId, @name, @version, @kind, @content, @wasm, @wit, @size, @createdAt, @createdBy)
                """;
            Add(cmd, "@id", row.Id);
            Add(cmd, "@tenantId", row.TenantId);
            Add(cmd, "@name", row.Name);
            Add(cmd, "@version", row.Version);
            Add(cmd, "@kind", row.Kind);
            cmd.Parameters.Add("@content", SqliteType.Blob).Value = row.Content!;
            cmd.Parameters.Add("@wasm", SqliteType.Blob).Value = (object?)row.Wasm ?? DBNull.Value;
            Add(cmd, "@wit", row.Wit);
            Add(cmd, "@size", row.Size);
            Add(cmd, "@createdAt", row.CreatedAt);
            Add(cmd, "@createdBy", row.CreatedBy);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return row;
    }

    private static void Add(DbCommand cmd, string name, object? value) => ((SqliteCommand)cmd).Parameters.AddWithValue(name, value ?? DBNull.Value);

    public async Task<bool> DeleteAsync(string tenantId, string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        return await conn.ExecuteAsync("DELETE FROM wasm_modules WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id }) > 0;
    }
}
