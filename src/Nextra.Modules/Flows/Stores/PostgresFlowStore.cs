using Dapper;
using Nextra.Modules.Storage;
using Npgsql;

namespace Nextra.Modules.Flows.Stores;

/// <summary><see cref="IFlowStore"/> on Postgres (hosted mode): quota checks under a per-tenant advisory lock, updates under a row lock.</summary>
internal sealed class PostgresFlowStore(IPostgresConnectionFactory db) : IFlowStore
{
    private const string Columns =
        "id, tenant_id, name, description, organism_yaml, canvas_state, status, version, created_at, updated_at";

    public async Task<IReadOnlyList<FlowRow>> ListAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<FlowRow>(
            $"SELECT {Columns} FROM flows WHERE tenant_id = @tenantId ORDER BY updated_at DESC, id", new { tenantId });
        return rows.ToList();
    }

    public async Task<FlowRow?> GetAsync(string tenantId, string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await Get(conn, null, tenantId, id);
    }

    private static Task<FlowRow?> Get(NpgsqlConnection conn, NpgsqlTransaction? tx, string tenantId, string id) =>
        conn.QueryFirstOrDefaultAsync<FlowRow>(
            $"SELECT {Columns} FROM flows WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id }, tx);

    public async Task<bool> InsertAsync(FlowRow flow, FlowVersionRow version, long? maxFlows, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        // The tier's flow count is checked under a per-tenant lock, so two creates cannot both pass it.
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (maxFlows is not null) await conn.LockAsync(tx, "flows:count:" + flow.TenantId, ct);
        if (maxFlows is { } max && await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM flows WHERE tenant_id = @TenantId", new { flow.TenantId }, tx) >= max)
        {
            return false;
        }
        await conn.ExecuteAsync("""
            INSERT INTO flows (id, tenant_id, name, description, organism_yaml, canvas_state, status, version, created_at, updated_at)
            VALUES (@Id, @TenantId, @Name, @Description, @OrganismYaml, @CanvasState, @Status, @Version, @CreatedAt, @UpdatedAt)
            """, flow, tx);
        await InsertVersion(conn, tx, version);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<long> CountAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM flows WHERE tenant_id = @tenantId", new { tenantId });
    }

    public async Task<FlowRow?> UpdateAsync(string tenantId, string id, Func<FlowRow, FlowVersionRow?> change, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        // FOR UPDATE: read-modify-write of the version number must not race another writer.
        await using var tx = await conn.BeginTransactionAsync(ct);
        var row = await conn.QueryFirstOrDefaultAsync<FlowRow>(
            $"SELECT {Columns} FROM flows WHERE tenant_id = @tenantId AND id = @id FOR UPDATE", new { tenantId, id }, tx);
        if (row is null)
        {
            return null;
        }
        var version = change(row);
        await conn.ExecuteAsync("""
            UPDATE flows SET name = @Name, description = @Description, organism_yaml = @OrganismYaml,
                canvas_state = @CanvasState, version = @Version, updated_at = @UpdatedAt
            WHERE tenant_id = @TenantId AND id = @Id
            """, row, tx);
        if (version is not null)
        {
            await InsertVersion(conn, tx, version);
        }
        await tx.CommitAsync(ct);
        return row;
    }

    private static Task InsertVersion(NpgsqlConnection conn, NpgsqlTransaction tx, FlowVersionRow version) =>
        conn.ExecuteAsync("""
            INSERT INTO flow_versions (flow_id, tenant_id, version, organism_yaml, canvas_state, created_at, created_by)
            VALUES (@FlowId, @TenantId, @Version, @OrganismYaml, @CanvasState, @CreatedAt, @CreatedBy)
            """, version, tx);

    public async Task<bool> DeleteAsync(string tenantId, string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("DELETE FROM flows WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id }) > 0;
    }

    public async Task<IReadOnlyList<FlowVersionRow>> ListVersionsAsync(string tenantId, string flowId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<FlowVersionRow>("""
            SELECT flow_id, tenant_id, version, '' AS organism_yaml, NULL AS canvas_state, created_at, created_by
            FROM flow_versions WHERE tenant_id = @tenantId AND flow_id = @flowId ORDER BY version DESC
            """, new { tenantId, flowId });
        return rows.ToList();
    }

    public async Task<FlowVersionRow?> GetVersionAsync(string tenantId, string flowId, long version, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<FlowVersionRow>("""
            SELECT flow_id, tenant_id, version, organism_yaml, canvas_state, created_at, created_by
            FROM flow_versions WHERE tenant_id = @tenantId AND flow_id = @flowId AND version = @version
            """, new { tenantId, flowId, version });
    }

    public async Task<bool> SetStatusAsync(string tenantId, string id, string status, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync(
            "UPDATE flows SET status = @status WHERE tenant_id = @tenantId AND id = @id", new { status, tenantId, id }) > 0;
    }

    public async Task<IReadOnlyList<FlowRow>> ListByStatusAsync(string status, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<FlowRow>($"SELECT {Columns} FROM flows WHERE status = @status ORDER BY id", new { status });
        return rows.ToList();
    }

    public async Task<FlowRow?> FindByIdAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<FlowRow>($"SELECT {Columns} FROM flows WHERE id = @id", new { id });
    }
}
