using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts;

/// <summary>Creates, lists, revokes and checks API keys.</summary>
internal sealed class ApiKeyService(IApiKeyStore keys, IAccountStore accounts, TimeProvider time)
{
    // last_used_at is informational; writing it on every request would serialise all API traffic on SQLite.
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    public async Task<(ApiKeyRow Row, string Key)> CreateAsync(string tenantId, string userId, string? name, CancellationToken ct)
    {
        var trimmed = string.IsNullOrWhiteSpace(name) ? "default" : name.Trim();
        if (trimmed.Length > 100)
        {
            throw new ApiException(422, ErrorCodes.ValidationFailed, "Validation failed", "The key name must be at most 100 characters.");
        }
        var key = ApiKeys.New();
        var row = new ApiKeyRow
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()).ToString(),
            TenantId = tenantId,
            UserId = userId,
            Name = trimmed,
            Prefix = ApiKeys.PrefixOf(key),
            KeyHash = Tokens.Sha256Hex(key),
            CreatedAt = AccountService.Iso(time.GetUtcNow()),
        };
        await keys.InsertAsync(row, ct);
        return (row, key);
    }

    /// <summary>For <c>nextra apikey create --email</c>.</summary>
    public async Task<(ApiKeyRow Row, string Key)> CreateForEmailAsync(string email, string? name, CancellationToken ct)
    {
        var user = await accounts.FindUserByEmailAsync(AccountService.NormalizeEmail(email), ct)
            ?? throw ApiException.NotFound($"User '{email}'");
        return await CreateAsync(user.TenantId, user.Id, name, ct);
    }

    public Task<IReadOnlyList<ApiKeyRow>> ListAsync(string tenantId, string userId, CancellationToken ct) =>
        keys.ListAsync(tenantId, userId, ct);

    public async Task RevokeAsync(string tenantId, string userId, string id, CancellationToken ct)
    {
        if (!await keys.RevokeAsync(tenantId, userId, id, AccountService.Iso(time.GetUtcNow()), ct))
        {
            throw ApiException.NotFound("API key");
        }
    }

    public async Task<TenantApiKeyResponse[]> ListTenantAsync(string tenantId, CancellationToken ct) =>
        (await keys.ListTenantAsync(tenantId, ct)).Select(r => new TenantApiKeyResponse(r.Id, r.Name, r.Prefix, r.UserId, r.Email ?? "",
            Storage.SqliteCommands.ParseIso(r.CreatedAt), r.LastUsedAt is null ? null : Storage.SqliteCommands.ParseIso(r.LastUsedAt))).ToArray();

    public async Task RevokeAnyAsync(string tenantId, string id, CancellationToken ct)
    {
        if (!await keys.RevokeAnyAsync(tenantId, id, AccountService.Iso(time.GetUtcNow()), ct))
        {
            throw ApiException.NotFound("API key");
        }
    }

    /// <summary>The key's owner, or null for unknown, malformed or revoked keys.</summary>
    public async Task<AuthenticatedUser?> AuthenticateAsync(string key, CancellationToken ct)
    {
        if (!ApiKeys.LooksValid(key))
        {
            return null;
        }
        var hash = Tokens.Sha256Hex(key);
        foreach (var row in await keys.FindActiveByPrefixAsync(ApiKeys.PrefixOf(key), ct))
        {
            if (row.KeyHash is not null && Tokens.FixedTimeEquals(row.KeyHash, hash))
            {
                var now = time.GetUtcNow();
                if (row.LastUsedAt is null || !DateTimeOffset.TryParse(row.LastUsedAt, System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AssumeUniversal, out var last) || now - last > TouchInterval)
                {
                    await keys.TouchAsync(row.KeyId!, AccountService.Iso(now), ct);
                }
                return AccountService.ToUser(row, "apikey") with { KeyId = row.KeyId };
            }
        }
        return null;
    }
}
