namespace Nextra.Modules.Common;

/// <summary>
/// The authenticated caller of the current request (scoped service). Every store query takes
/// <see cref="TenantId"/>; modules never read tenant ids from the request body or route.
/// </summary>
public interface ICurrentUser
{
    bool IsAuthenticated { get; }

    /// <summary>The caller's tenant; throws <see cref="ApiException"/> 401 when unauthenticated.</summary>
    string TenantId { get; }

    /// <summary>The caller's user id; throws <see cref="ApiException"/> 401 when unauthenticated.</summary>
    string UserId { get; }

    string Email { get; }

    Role Role { get; }

    /// <summary>How the caller authenticated: <c>cookie</c> or <c>apikey</c>.</summary>
    string? Scheme { get; }
}
