using Dapper;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Accounts.Stores;

/// <summary><see cref="IApiKeyStore"/> on Postgres (hosted mode); the same SQL as SQLite.</summary>
internal sealed class PostgresApiKeyStore(IPostgresConnectionFactory db) : IApiKeyStore
{
    public async Task InsertAsync(ApiKeyRow key, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO api_keys (id, tenant_id, user_id, name, prefix, key_hash, created_at)
            VALUES (@Id, @TenantId, @UserId, @Name, @Prefix, @KeyHash, @CreatedAt)
            """, key);
    }

    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(string tenantId, string userId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<ApiKeyRow>("""
            SELECT id, tenant_id, user_id, name, prefix, key_hash, created_at, last_used_at
            FROM api_keys
            WHERE tenant_id = @tenantId AND user_id = @userId AND revoked_at IS NULL
            ORDER BY created_at, id
            """, new { tenantId, userId });
        return rows.ToList();
    }

    public async Task<IReadOnlyList<PrincipalRow>> FindActiveByPrefixAsync(string prefix, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        var rows = await conn.QueryAsync<PrincipalRow>("""
            SELECT u.id AS user_id, m.tenant_id AS tenant_id, t.name AS tenant_name, u.email AS email, m.role AS role,
                   k.id AS key_id, k.key_hash AS key_hash, k.last_used_at AS last_used_at
            FROM api_keys k
            JOIN memberships m ON m.user_id = k.user_id AND m.tenant_id = k.tenant_id
            JOIN users u ON u.id = m.user_id AND u.disabled_at IS NULL
            JOIN tenants t ON t.id = m.tenant_id
            WHERE k.prefix = @prefix AND k.revoked_at IS NULL
            """, new { prefix });
        return rows.ToList();
    }

    public async Task<bool> RevokeAsync(string tenantId, string userId, string id, string at, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("""
            UPDATE api_keys SET revoked_at = @at
            WHERE tenant_id = @tenantId AND user_id = @userId AND id = @id AND revoked_at IS NULL
            """, new { at, tenantId, userId, id }) > 0;
    }

    public async Task TouchAsync(string id, string at, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE api_keys SET last_used_at = @at WHERE id = @id", new { at, id });
    }
}
