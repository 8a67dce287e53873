using Dapper;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;
using Npgsql;

namespace Nextra.Modules.Accounts.Stores;

/// <summary><see cref="IAccountStore"/> on Postgres (hosted mode); counts that gate an insert are taken under an advisory lock.</summary>
internal sealed class PostgresAccountStore(IPostgresConnectionFactory db) : IAccountStore
{
    private const string PrincipalSelect = """
        SELECT u.id AS user_id, m.tenant_id AS tenant_id, t.name AS tenant_name, u.email AS email, m.role AS role
        FROM memberships m JOIN users u ON u.id = m.user_id AND u.disabled_at IS NULL JOIN tenants t ON t.id = m.tenant_id
        """;

    public async Task<bool> AnyUserAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM users)");
    }

    public async Task<bool> CreateTenantWithUserAsync(TenantRow tenant, UserRow user, bool onlyIfNoUsers, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (onlyIfNoUsers)
        {
            // Two first-run setups racing: one wins, the other sees its user.
            await conn.LockAsync(tx, "accounts:first-user", ct);
            if (await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM users)", transaction: tx))
            {
                return false;
            }
        }
        await conn.ExecuteAsync(
            "INSERT INTO tenants (id, name, created_at, tier) VALUES (@Id, @Name, @CreatedAt, @Tier)", tenant, tx);
        await InsertUserAsync(conn, tx, user);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> InsertUserAsync(UserRow user, long? maxMembers, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (maxMembers is { } max)
        {
            // The tier's member count is checked under a per-tenant lock, so two invites cannot both pass it.
            await conn.LockAsync(tx, "accounts:members:" + user.TenantId, ct);
            if (await conn.ExecuteScalarAsync<long>(MembershipStoreBase.SeatsSql, new { tenantId = user.TenantId, now = user.CreatedAt }, tx) >= max)
            {
                return false;
            }
        }
        await InsertUserAsync(conn, tx, user);
        await tx.CommitAsync(ct);
        return true;
    }

    private static async Task InsertUserAsync(NpgsqlConnection conn, NpgsqlTransaction tx, UserRow user)
    {
        try
        {
            await conn.ExecuteAsync("""
                INSERT INTO users (id, tenant_id, email, password_hash, role, created_at, updated_at)
                VALUES (@Id, @TenantId, @Email, @PasswordHash, @Role, @CreatedAt, @UpdatedAt)
                """, user, tx);
            await conn.ExecuteAsync("INSERT INTO memberships (tenant_id, user_id, role, joined_at) VALUES (@TenantId, @Id, @Role, @CreatedAt)", user, tx);
        }
        catch (PostgresException ex) when (ex.IsUniqueViolation())
        {
            throw ApiException.Conflict($"A user with email '{user.Email}' already exists.");
        }
    }

    public async Task<TenantRow?> FindTenantByNameAsync(string name, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<TenantRow>(
            "SELECT id, name, created_at, tier FROM tenants WHERE name = @name ORDER BY created_at LIMIT 1", new { name });
    }

    public async Task<UserRow?> FindUserByEmailAsync(string email, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<UserRow>("""
            SELECT id, tenant_id, email, password_hash, role, created_at, updated_at
            FROM users WHERE email = @email
            """, new { email });
    }

    public async Task<PrincipalRow?> FindPrincipalAsync(string tenantId, string userId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<PrincipalRow>(
            PrincipalSelect + " WHERE m.tenant_id = @tenantId AND m.user_id = @userId", new { tenantId, userId });
    }

    public async Task<UserRow?> FindUserAsync(string tenantId, string userId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<UserRow>("""
            SELECT id, tenant_id, email, password_hash, role, created_at, updated_at
            FROM users WHERE tenant_id = @tenantId AND id = @userId
            """, new { tenantId, userId });
    }

    public async Task UpdatePasswordAsync(string tenantId, string userId, string passwordHash, string at, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await conn.ExecuteAsync(
            "UPDATE users SET password_hash = @passwordHash, updated_at = @at WHERE tenant_id = @tenantId AND id = @userId",
            new { passwordHash, at, tenantId, userId });
    }
}
