using System.Globalization;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts;

/// <summary>Starts a browser session for a user another module signed in (SSO): the cookie value, its CSRF token, its expiry.</summary>
public interface ISessionStarter
{
    Task<(string Token, string Csrf, DateTimeOffset Expires)> StartSessionAsync(AuthenticatedUser user, CancellationToken ct);
}

/// <summary>The account store's row conventions: timestamps as ISO-8601 UTC text, a principal row as a signed-in user.</summary>
public static class AccountRows
{
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static AuthenticatedUser ToUser(PrincipalRow row, string scheme) =>
        new(row.UserId, row.TenantId, row.TenantName, row.Email, Roles.TryParse(row.Role, out var r) ? r : Role.Viewer) { Scheme = scheme };
}
