using System.Data.Common;
using Dapper;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Accounts.Stores;

/// <summary>
/// The SQL of <see cref="IMembershipStore"/>, identical on both providers (times are ISO-8601 text on both); the
/// providers differ only in how a connection opens and how a read-check-write section is serialised.
/// </summary>
internal abstract class MembershipStoreBase : IMembershipStore
{
    private const string Select = """
        SELECT m.tenant_id AS tenant_id, t.name AS tenant_name, m.user_id AS user_id, u.email AS email, u.name AS name,
               m.role AS role, m.joined_at AS joined_at, m.last_seen_at AS last_seen_at
        FROM memberships m JOIN users u ON u.id = m.user_id JOIN tenants t ON t.id = m.tenant_id
        """;

    internal const string SeatsSql = """
        SELECT (SELECT COUNT(*) FROM memberships WHERE tenant_id = @tenantId)
             + (SELECT COUNT(*) FROM invites WHERE tenant_id = @tenantId AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > @now)
        """;

    /// <summary>An open connection of the provider.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Begins a transaction that holds the tenant's membership lock until it ends.</summary>
    protected abstract Task<DbTransaction> BeginLockedAsync(DbConnection conn, string tenantId, CancellationToken ct);

    public async Task<MembershipResult> AddAsync(string tenantId, string userId, Role role, DateTimeOffset at, long? maxMembers, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await BeginLockedAsync(conn, tenantId, ct);
        var exists = await conn.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM memberships WHERE tenant_id = @tenantId AND user_id = @userId", new { tenantId, userId }, tx);
        if (exists > 0) return MembershipResult.AlreadyMember;
        var known = await conn.ExecuteScalarAsync<long>(
            "SELECT (SELECT COUNT(*) FROM users WHERE id = @userId) * (SELECT COUNT(*) FROM tenants WHERE id = @tenantId)", new { tenantId, userId }, tx);
        if (known == 0) return MembershipResult.NotFound;
        if (maxMembers is { } max && await conn.ExecuteScalarAsync<long>(SeatsSql, new { tenantId, now = SqliteCommands.Iso(at) }, tx) >= max)
        {
            return MembershipResult.QuotaExceeded;
        }
        await InsertAsync(conn, tx, tenantId, userId, role, at);
        await tx.CommitAsync(ct);
        return MembershipResult.Done;
    }

    internal static Task InsertAsync(DbConnection conn, DbTransaction tx, string tenantId, string userId, Role role, DateTimeOffset at) =>
        conn.ExecuteAsync("INSERT INTO memberships (tenant_id, user_id, role, joined_at) VALUES (@tenantId, @userId, @role, @joinedAt)",
            new { tenantId, userId, role = role.ToWire(), joinedAt = SqliteCommands.Iso(at) }, tx);

    public async Task<Membership?> FindAsync(string tenantId, string userId, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        var row = await conn.QueryFirstOrDefaultAsync<MembershipRow>(Select + " WHERE m.tenant_id = @tenantId AND m.user_id = @userId", new { tenantId, userId });
        return row is null ? null : ToMembership(row);
    }

    public async Task<IReadOnlyList<Membership>> ListMembersAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        var rows = await conn.QueryAsync<MembershipRow>(Select + " WHERE m.tenant_id = @tenantId ORDER BY m.joined_at, m.user_id", new { tenantId });
        return rows.Select(ToMembership).ToList();
    }

    public async Task<IReadOnlyList<Membership>> ListTenantsOfAsync(string userId, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        var rows = await conn.QueryAsync<MembershipRow>(Select + " WHERE m.user_id = @userId ORDER BY m.joined_at, m.tenant_id", new { userId });
        return rows.Select(ToMembership).ToList();
    }

    public async Task<MembershipResult> SetRoleAsync(string tenantId, string userId, Role role, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await BeginLockedAsync(conn, tenantId, ct);
        var check = await CheckOwnerAsync(conn, tx, tenantId, userId);
        if (check is MembershipResult.NotFound) return check;
        if (check is MembershipResult.LastOwner && role != Role.Owner) return check;
        await conn.ExecuteAsync("UPDATE memberships SET role = @role WHERE tenant_id = @tenantId AND user_id = @userId",
            new { role = role.ToWire(), tenantId, userId }, tx);
        await tx.CommitAsync(ct);
        return MembershipResult.Done;
    }

    public async Task<MembershipResult> RemoveAsync(string tenantId, string userId, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await BeginLockedAsync(conn, tenantId, ct);
        var check = await CheckOwnerAsync(conn, tx, tenantId, userId);
        if (check is not MembershipResult.Done) return check;
        await conn.ExecuteAsync("DELETE FROM memberships WHERE tenant_id = @tenantId AND user_id = @userId", new { tenantId, userId }, tx);
        await conn.ExecuteAsync("DELETE FROM sessions WHERE tenant_id = @tenantId AND user_id = @userId", new { tenantId, userId }, tx);
        await conn.ExecuteAsync("UPDATE api_keys SET revoked_at = @at WHERE tenant_id = @tenantId AND user_id = @userId AND revoked_at IS NULL",
            new { at = SqliteCommands.Iso(at), tenantId, userId }, tx);
        await tx.CommitAsync(ct);
        return MembershipResult.Done;
    }

    /// <summary>NotFound, LastOwner (the member is the tenant's only owner) or Done.</summary>
    private static async Task<MembershipResult> CheckOwnerAsync(DbConnection conn, DbTransaction tx, string tenantId, string userId)
    {
        var current = await conn.QueryFirstOrDefaultAsync<string>(
            "SELECT role FROM memberships WHERE tenant_id = @tenantId AND user_id = @userId", new { tenantId, userId }, tx);
        if (current is null) return MembershipResult.NotFound;
        if (current != Role.Owner.ToWire()) return MembershipResult.Done;
        var owners = await conn.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM memberships WHERE tenant_id = @tenantId AND role = 'owner'", new { tenantId }, tx);
        return owners <= 1 ? MembershipResult.LastOwner : MembershipResult.Done;
    }

    public async Task<long> CountSeatsAsync(string tenantId, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>(SeatsSql, new { tenantId, now = SqliteCommands.Iso(at) });
    }

    public async Task TouchAsync(string tenantId, string userId, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE memberships SET last_seen_at = @at WHERE tenant_id = @tenantId AND user_id = @userId",
            new { at = SqliteCommands.Iso(at), tenantId, userId });
    }

    internal static Membership ToMembership(MembershipRow row) => new(
        row.TenantId, row.TenantName, row.UserId, row.Email, row.Name,
        Roles.TryParse(row.Role, out var role) ? role : Role.Viewer,
        SqliteCommands.ParseIso(row.JoinedAt), row.LastSeenAt is null ? null : SqliteCommands.ParseIso(row.LastSeenAt));
}
