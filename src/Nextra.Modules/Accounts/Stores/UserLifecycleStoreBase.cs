using System.Data.Common;
using Dapper;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Accounts.Stores;

/// <summary>The SQL of <see cref="IUserLifecycle"/>, identical on both providers.</summary>
internal abstract class UserLifecycleStoreBase : IUserLifecycle
{
    protected abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    public async Task<bool> SetEmailAsync(string userId, string email, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var normalized = email.Trim().ToLowerInvariant();
        var taken = await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE email = @normalized AND id <> @userId", new { normalized, userId }, tx);
        if (taken > 0) return false;
        var changed = await conn.ExecuteAsync("UPDATE users SET email = @normalized, updated_at = @at WHERE id = @userId",
            new { normalized, userId, at = SqliteCommands.Iso(at) }, tx);
        await tx.CommitAsync(ct);
        return changed > 0;
    }

    public async Task SetNameAsync(string userId, string? name, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync("UPDATE users SET name = @name, updated_at = @at WHERE id = @userId", new { name, userId, at = SqliteCommands.Iso(at) });
    }

    public async Task<bool> DisableAsync(string userId, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var iso = SqliteCommands.Iso(at);
        var changed = await conn.ExecuteAsync("UPDATE users SET disabled_at = COALESCE(disabled_at, @iso), updated_at = @iso WHERE id = @userId", new { iso, userId }, tx);
        await conn.ExecuteAsync("DELETE FROM sessions WHERE user_id = @userId", new { userId }, tx);
        await conn.ExecuteAsync("UPDATE api_keys SET revoked_at = @iso WHERE user_id = @userId AND revoked_at IS NULL", new { iso, userId }, tx);
        await tx.CommitAsync(ct);
        return changed > 0;
    }

    public async Task CreateTenantAsync(string tenantId, string name, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync("INSERT INTO tenants (id, name, created_at) VALUES (@tenantId, @name, @at)", new { tenantId, name, at = SqliteCommands.Iso(at) });
    }

    public async Task<bool> RenameTenantAsync(string tenantId, string name, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteAsync("UPDATE tenants SET name = @name WHERE id = @tenantId", new { name, tenantId }) > 0;
    }

    public async Task<bool> DeleteTenantAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteAsync("DELETE FROM tenants WHERE id = @tenantId", new { tenantId }) > 0;
    }
}
