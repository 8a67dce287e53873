using System.Data.Common;
using Dapper;

namespace Nextra.Modules.Audit.Stores;

/// <summary>The SQL of <see cref="IAuditStore"/>, the same on both providers.</summary>
internal abstract class AuditStoreBase : IAuditStore
{
    private const string Columns = "id, tenant_id, at, actor_user_id, actor_email, via, action, target, detail, ip";

    protected abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    public async Task AppendAsync(AuditRow row, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync($"INSERT INTO audit_log ({Columns}) VALUES " +
            "(@Id, @TenantId, @At, @ActorUserId, @ActorEmail, @Via, @Action, @Target, @Detail, @Ip)", row);
    }

    public async Task<IReadOnlyList<AuditRow>> ListAsync(string tenantId, string? before, int limit, string? action, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        var rows = await conn.QueryAsync<AuditRow>($"SELECT {Columns} FROM audit_log WHERE tenant_id = @tenantId " +
            "AND (@before IS NULL OR id < @before) AND (@action IS NULL OR action = @action) ORDER BY id DESC LIMIT @limit",
            new { tenantId, before, action, limit });
        return rows.AsList();
    }

    public async Task<IReadOnlyList<string>> TenantsWithEntriesBeforeAsync(string olderThan, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QueryAsync<string>("SELECT DISTINCT tenant_id FROM audit_log WHERE at < @olderThan", new { olderThan })).AsList();
    }

    public async Task<int> DeleteBeforeAsync(string tenantId, string olderThan, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteAsync("DELETE FROM audit_log WHERE tenant_id = @tenantId AND at < @olderThan", new { tenantId, olderThan });
    }
}
