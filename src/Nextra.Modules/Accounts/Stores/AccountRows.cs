using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts.Stores;

// Store rows: mutable classes because Dapper.AOT materialises through setters. Never serialised to clients.

[ModuleContract("a row of IAccountStore, which the SSO module signs users in with")]
public sealed class TenantRow
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    /// <summary>NULL = the configured default tier.</summary>
    public string? Tier { get; set; }
}

[ModuleContract("a row of IAccountStore, which the SSO module signs users in with")]
public sealed class UserRow
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Email { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public string Role { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
    public string? Name { get; set; }
}

/// <summary>A user joined with their tenant: everything a request principal needs.</summary>
[ModuleContract("a row of IAccountStore, which the SSO module signs users in with")]
public sealed class PrincipalRow
{
    public string UserId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string TenantName { get; set; } = "";
    public string Email { get; set; } = "";
    public string Role { get; set; } = "";
    public string? Csrf { get; set; }
    public string? ExpiresAt { get; set; }
    public string? KeyId { get; set; }
    public string? KeyHash { get; set; }
    public string? LastUsedAt { get; set; }
}

internal sealed class SessionRow
{
    public string TokenHash { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Csrf { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string ExpiresAt { get; set; } = "";
}

internal sealed class ApiKeyRow
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Prefix { get; set; } = "";
    public string KeyHash { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string? LastUsedAt { get; set; }
    /// <summary>The owner's email (tenant-wide listing only).</summary>
    public string? Email { get; set; }
}

internal sealed class MembershipRow
{
    public string TenantId { get; set; } = "";
    public string TenantName { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Email { get; set; } = "";
    public string? Name { get; set; }
    public string Role { get; set; } = "";
    public string JoinedAt { get; set; } = "";
    public string? LastSeenAt { get; set; }
}

internal sealed class InviteRow
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Email { get; set; } = "";
    public string Role { get; set; } = "";
    public string TokenHash { get; set; } = "";
    public string InvitedBy { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string ExpiresAt { get; set; } = "";
    public string? AcceptedAt { get; set; }
    public string? AcceptedBy { get; set; }
    public string? RevokedAt { get; set; }
}
