namespace Nextra.Modules.Accounts;

// Wire records of the Authentication section of docs/api.md (camelCase via the JSON context).

public sealed record SetupStatusResponse(bool Needed);

public sealed record SetupRequest(string? Token, string? Email, string? Password, string? TenantName);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record MeResponse(string UserId, string Email, string Role, string TenantId, string TenantName);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record CreateApiKeyRequest(string? Name);

public sealed record ApiKeyResponse(string Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

public sealed record CreatedApiKeyResponse(string Id, string Name, string Prefix, string Key);
