namespace Nextra.Modules.Accounts;

// Wire records of the Members section of docs/api.md (camelCase via the JSON context).

public sealed record MemberResponse(string UserId, string Email, string? Name, string Role, DateTimeOffset JoinedAt, DateTimeOffset? LastSeenAt);

public sealed record CreateInviteRequest(string? Email, string? Role);

public sealed record CreatedInviteResponse(string Id, string Email, string Role, string Url, string Token, DateTimeOffset ExpiresAt);

public sealed record InviteResponse(string Id, string Email, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string InvitedBy);

public sealed record AcceptInviteRequest(string? Token, string? Password, string? Name);

public sealed record SetRoleRequest(string? Role);

public sealed record TransferOwnershipRequest(string? UserId);

public sealed record TenantResponse(string TenantId, string Name, string Role, bool Current);

public sealed record SwitchTenantRequest(string? TenantId);

public sealed record SignupRequest(string? Email, string? Password, string? Name);

public sealed record TenantApiKeyResponse(string Id, string Name, string Prefix, string UserId, string Email, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);
