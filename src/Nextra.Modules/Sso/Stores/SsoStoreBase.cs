using System.Data.Common;
using Dapper;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Sso.Stores;

/// <summary>The SQL of <see cref="ISsoStore"/>, identical on both providers (times are ISO-8601 text on both).</summary>
internal abstract class SsoStoreBase : ISsoStore
{
    private const string ProviderColumns = "name, tenant_id, kind, display_name, settings, secret, created_at, updated_at";

    protected abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    public async Task SaveRequestAsync(SsoRequestRow row, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        var at = SqliteCommands.Iso(now);
        await conn.ExecuteAsync("DELETE FROM sso_requests WHERE expires_at < @at", new { at });
        await conn.ExecuteAsync("DELETE FROM sso_used_ids WHERE expires_at < @at", new { at });
        await conn.ExecuteAsync("""
            INSERT INTO sso_requests (id, provider, nonce, code_verifier, return_url, created_at, expires_at)
            VALUES (@Id, @Provider, @Nonce, @CodeVerifier, @ReturnUrl, @CreatedAt, @ExpiresAt)
            """, row);
    }

    public async Task<SsoRequestRow?> TakeRequestAsync(string id, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        // One statement: two callbacks racing with one state cannot both get the row.
        var row = await conn.QueryFirstOrDefaultAsync<SsoRequestRow>("""
            DELETE FROM sso_requests WHERE id = @id
            RETURNING id, provider, nonce, code_verifier, return_url, created_at, expires_at
            """, new { id });
        return row is null || string.CompareOrdinal(row.ExpiresAt, SqliteCommands.Iso(now)) <= 0 ? null : row;
    }

    public async Task<bool> TryUseOnceAsync(string kind, string id, DateTimeOffset expiresAt, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteAsync(
            "INSERT INTO sso_used_ids (kind, id, expires_at) VALUES (@kind, @id, @expires) ON CONFLICT (kind, id) DO NOTHING",
            new { kind, id, expires = SqliteCommands.Iso(expiresAt) }) == 1;
    }

    public async Task ReleaseOnceAsync(string kind, string id, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync("DELETE FROM sso_used_ids WHERE kind = @kind AND id = @id", new { kind, id });
    }

    public async Task<string?> FindTenantLinkAsync(string provider, string externalId, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<string>(
            "SELECT tenant_id FROM sso_tenant_links WHERE provider = @provider AND external_id = @externalId", new { provider, externalId });
    }

    public async Task LinkTenantAsync(string provider, string externalId, string tenantId, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO sso_tenant_links (provider, external_id, tenant_id, created_at) VALUES (@provider, @externalId, @tenantId, @at)
            ON CONFLICT (provider, external_id) DO UPDATE SET tenant_id = excluded.tenant_id
            """, new { provider, externalId, tenantId, at = SqliteCommands.Iso(at) });
    }

    public async Task<string?> FindIdentityAsync(string provider, string subject, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<string>(
            "SELECT user_id FROM sso_identities WHERE provider = @provider AND subject = @subject", new { provider, subject });
    }

    public async Task LinkIdentityAsync(string provider, string subject, string userId, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        var iso = SqliteCommands.Iso(at);
        await conn.ExecuteAsync("""
            INSERT INTO sso_identities (provider, subject, user_id, created_at, last_login_at) VALUES (@provider, @subject, @userId, @iso, @iso)
            ON CONFLICT (provider, subject) DO UPDATE SET user_id = excluded.user_id, last_login_at = excluded.last_login_at
            """, new { provider, subject, userId, iso });
    }

    public async Task<IReadOnlyList<SsoProviderRow>> ListProvidersAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QueryAsync<SsoProviderRow>(
            $"SELECT {ProviderColumns} FROM sso_providers WHERE tenant_id = @tenantId ORDER BY name", new { tenantId })).AsList();
    }

    public async Task<SsoProviderRow?> FindProviderAsync(string name, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<SsoProviderRow>($"SELECT {ProviderColumns} FROM sso_providers WHERE name = @name", new { name });
    }

    public async Task<bool> UpsertProviderAsync(SsoProviderRow row, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        // The WHERE of the update keeps another tenant's row untouched: 0 rows means the name is taken.
        return await conn.ExecuteAsync("""
            INSERT INTO sso_providers (name, tenant_id, kind, display_name, settings, secret, created_at, updated_at)
            VALUES (@Name, @TenantId, @Kind, @DisplayName, @Settings, @Secret, @CreatedAt, @UpdatedAt)
            ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, display_name = excluded.display_name, settings = excluded.settings,
                secret = excluded.secret, updated_at = excluded.updated_at
            WHERE sso_providers.tenant_id = excluded.tenant_id
            """, row) == 1;
    }

    public async Task<bool> DeleteProviderAsync(string tenantId, string name, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteAsync("DELETE FROM sso_providers WHERE tenant_id = @tenantId AND name = @name", new { tenantId, name }) > 0;
    }

    public async Task<bool> IsSsoRequiredAsync(string tenantId, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<long?>(
            "SELECT sso_required FROM sso_tenant_settings WHERE tenant_id = @tenantId", new { tenantId }) is 1;
    }

    public async Task SetSsoRequiredAsync(string tenantId, bool required, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync("""
            INSERT INTO sso_tenant_settings (tenant_id, sso_required, updated_at) VALUES (@tenantId, @value, @at)
            ON CONFLICT (tenant_id) DO UPDATE SET sso_required = excluded.sso_required, updated_at = excluded.updated_at
            """, new { tenantId, value = required ? 1 : 0, at = SqliteCommands.Iso(at) });
    }
}
