using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts;

/// <summary>Who a credential belongs to; becomes the request principal.</summary>
public sealed record AuthenticatedUser(string UserId, string TenantId, string TenantName, string Email, Role Role)
{
    /// <summary>The session's CSRF token (cookie sessions only).</summary>
    public string? Csrf { get; init; }

    /// <summary><c>cookie</c> or <c>apikey</c>.</summary>
    public string Scheme { get; init; } = "";

    /// <summary>The API key's id (API-key credentials only).</summary>
    public string? KeyId { get; init; }
}
