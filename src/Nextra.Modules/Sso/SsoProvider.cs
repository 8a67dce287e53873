using Nextra.Modules.Common;

namespace Nextra.Modules.Sso;

/// <summary>
/// An OIDC provider as sign-in uses it, from <c>[[oidc.providers]]</c> (operator) or from a tenant's settings
/// (admin; then <see cref="TenantId"/> is set and outbound calls go through the SSRF guard).
/// </summary>
internal sealed record OidcProvider(
    string Name, string DisplayName, string Authority, string ClientId, string ClientSecret, IReadOnlyList<string> Scopes,
    string EmailClaim, string GroupsClaim, bool AutoProvision, Role DefaultRole, IReadOnlyDictionary<string, Role> GroupRoles,
    string Tenant, string? TenantId)
{
    /// <summary>True when an admin (not the operator) set the authority: calls to it must pass the egress guard.</summary>
    public bool Guarded => TenantId is not null;

    /// <summary>The highest role among the user's groups, else the default role.</summary>
    public Role RoleFor(IEnumerable<string> groups)
    {
        Role? best = null;
        foreach (var group in groups)
        {
            if (GroupRoles.TryGetValue(SsoNames.GroupKey(group), out var role) && (best is null || role > best))
            {
                best = role;
            }
        }
        return best ?? DefaultRole;
    }
}

/// <summary>Naming rules shared by the sign-in routes and the settings API.</summary>
internal static class SsoNames
{
    /// <summary>Provider names appear in URLs: 1-40 of a-z, 0-9, '-' and '_'.</summary>
    public static bool IsValidProviderName(string? name) =>
        name is { Length: > 0 and <= 40 } && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_');

    /// <summary>
    /// Group names are compared without case and underscores: nextra.toml keys are normalised the same way when the
    /// configuration is read (<c>group_roles = {"eng_leads" = "admin"}</c> arrives as <c>EngLeads</c>).
    /// </summary>
    public static string GroupKey(string group) => group.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
}
