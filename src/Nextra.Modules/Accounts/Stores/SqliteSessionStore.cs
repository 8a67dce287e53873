using Dapper;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Accounts.Stores;

internal sealed class SqliteSessionStore(ISqliteConnectionFactory db) : ISessionStore
{
    public async Task InsertAsync(SessionRow session, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        await conn.ExecuteAsync("""
            INSERT INTO sessions (token_hash, tenant_id, user_id, csrf, created_at, expires_at)
            VALUES (@TokenHash, @TenantId, @UserId, @Csrf, @CreatedAt, @ExpiresAt)
            """, session);
    }

    public async Task<PrincipalRow?> FindAsync(string tokenHash, string now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        // ISO-8601 UTC strings of one format compare correctly as text.
        return await conn.QueryFirstOrDefaultAsync<PrincipalRow>("""
            SELECT u.id AS user_id, m.tenant_id AS tenant_id, t.name AS tenant_name, u.email AS email, m.role AS role,
                   s.csrf AS csrf, s.expires_at AS expires_at
            FROM sessions s
            JOIN memberships m ON m.user_id = s.user_id AND m.tenant_id = s.tenant_id
            JOIN users u ON u.id = m.user_id AND u.disabled_at IS NULL
            JOIN tenants t ON t.id = m.tenant_id
            WHERE s.token_hash = @tokenHash AND s.expires_at > @now
            """, new { tokenHash, now });
    }

    public async Task<bool> SwitchTenantAsync(string tokenHash, string tenantId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        return await conn.ExecuteAsync("UPDATE sessions SET tenant_id = @tenantId WHERE token_hash = @tokenHash", new { tenantId, tokenHash }) > 0;
    }

    public async Task DeleteAsync(string tokenHash, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        await conn.ExecuteAsync("DELETE FROM sessions WHERE token_hash = @tokenHash", new { tokenHash });
    }

    public async Task DeleteOthersAsync(string tenantId, string userId, string keepTokenHash, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        await conn.ExecuteAsync(
            "DELETE FROM sessions WHERE tenant_id = @tenantId AND user_id = @userId AND token_hash <> @keepTokenHash",
            new { tenantId, userId, keepTokenHash });
    }

    public async Task<int> DeleteExpiredAsync(string now, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct: ct);
        return await conn.ExecuteAsync("DELETE FROM sessions WHERE expires_at <= @now", new { now });
    }
}
