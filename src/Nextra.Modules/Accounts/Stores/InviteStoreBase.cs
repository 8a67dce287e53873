using System.Data.Common;
using Dapper;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Accounts.Stores;

/// <summary>The SQL of <see cref="IInviteStore"/>, identical on both providers.</summary>
internal abstract class InviteStoreBase
{
    private const string Columns = "id, tenant_id, email, role, token_hash, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at";

    protected abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    protected abstract Task<DbTransaction> BeginLockedAsync(DbConnection conn, string tenantId, CancellationToken ct);

    protected abstract bool IsUniqueViolation(Exception ex);

    public async Task<bool> InsertAsync(InviteRow invite, long? maxMembers, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await BeginLockedAsync(conn, invite.TenantId, ct);
        if (maxMembers is { } max && await conn.ExecuteScalarAsync<long>(MembershipStoreBase.SeatsSql,
                new { tenantId = invite.TenantId, now = invite.CreatedAt }, tx) >= max)
        {
            return false;
        }
        await conn.ExecuteAsync($"INSERT INTO invites ({Columns}) VALUES " +
            "(@Id, @TenantId, @Email, @Role, @TokenHash, @InvitedBy, @CreatedAt, @ExpiresAt, @AcceptedAt, @AcceptedBy, @RevokedAt)", invite, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<InviteRow>> ListOpenAsync(string tenantId, string now, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        var rows = await conn.QueryAsync<InviteRow>($"SELECT {Columns} FROM invites WHERE tenant_id = @tenantId " +
            "AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > @now ORDER BY created_at, id", new { tenantId, now });
        return rows.AsList();
    }

    public async Task<bool> RevokeAsync(string tenantId, string id, string at, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteAsync("UPDATE invites SET revoked_at = @at WHERE tenant_id = @tenantId AND id = @id " +
            "AND accepted_at IS NULL AND revoked_at IS NULL", new { at, tenantId, id }) > 0;
    }

    public async Task<InviteRow?> FindByTokenAsync(string tokenHash, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<InviteRow>($"SELECT {Columns} FROM invites WHERE token_hash = @tokenHash", new { tokenHash });
    }

    public async Task<bool> AcceptAsync(string inviteId, string userId, string now, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        var tenantId = await conn.QueryFirstOrDefaultAsync<string>("SELECT tenant_id FROM invites WHERE id = @inviteId", new { inviteId });
        if (tenantId is null) return false;
        await using var tx = await BeginLockedAsync(conn, tenantId, ct);
        if (!await UseAsync(conn, tx, inviteId, userId, now)) return false;
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> AcceptAsNewUserAsync(string inviteId, UserRow user, string now, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await BeginLockedAsync(conn, user.TenantId, ct);
        try
        {
            await conn.ExecuteAsync("""
                INSERT INTO users (id, tenant_id, email, password_hash, role, created_at, updated_at, name)
                VALUES (@Id, @TenantId, @Email, @PasswordHash, @Role, @CreatedAt, @UpdatedAt, @Name)
                """, new { user.Id, user.TenantId, user.Email, user.PasswordHash, user.Role, user.CreatedAt, user.UpdatedAt, user.Name }, tx);
        }
        catch (Exception ex) when (IsUniqueViolation(ex))
        {
            throw ApiException.Conflict($"A user with email '{user.Email}' already exists; sign in and open the invite link again.");
        }
        if (!await UseAsync(conn, tx, inviteId, user.Id, now)) return false;
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Marks the invite used (only if still open) and adds or raises the membership.</summary>
    private static async Task<bool> UseAsync(DbConnection conn, DbTransaction tx, string inviteId, string userId, string now)
    {
        var invite = await conn.QueryFirstOrDefaultAsync<InviteRow>($"SELECT {Columns} FROM invites WHERE id = @inviteId", new { inviteId }, tx);
        if (invite is null) return false;
        var used = await conn.ExecuteAsync("UPDATE invites SET accepted_at = @now, accepted_by = @userId WHERE id = @inviteId " +
            "AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > @now", new { now, userId, inviteId }, tx);
        if (used == 0) return false;
        var current = await conn.QueryFirstOrDefaultAsync<string>("SELECT role FROM memberships WHERE tenant_id = @TenantId AND user_id = @userId",
            new { invite.TenantId, userId }, tx);
        Roles.TryParse(invite.Role, out var role);
        if (current is null)
        {
            await MembershipStoreBase.InsertAsync(conn, tx, invite.TenantId, userId, role, SqliteCommands.ParseIso(now));
        }
        else if (Roles.TryParse(current, out var had) && role > had)
        {
            await conn.ExecuteAsync("UPDATE memberships SET role = @role WHERE tenant_id = @TenantId AND user_id = @userId",
                new { role = role.ToWire(), invite.TenantId, userId }, tx);
        }
        return true;
    }
}
