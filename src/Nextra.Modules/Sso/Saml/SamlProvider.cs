using System.Security.Cryptography.X509Certificates;
using Nextra.Modules.Common;

namespace Nextra.Modules.Sso.Saml;

/// <summary>A SAML identity provider as sign-in uses it (from <c>[[saml.providers]]</c> or a tenant's settings).</summary>
internal sealed record SamlProvider(
    string Name, string DisplayName, string IdpEntityId, string IdpSsoUrl, IReadOnlyList<X509Certificate2> Certificates,
    string EmailAttribute, string GroupsAttribute, bool AutoProvision, Role DefaultRole, IReadOnlyDictionary<string, Role> GroupRoles,
    string Tenant, string? TenantId)
{
    public Role RoleFor(IEnumerable<string> groups)
    {
        Role? best = null;
        foreach (var group in groups)
        {
            if (GroupRoles.TryGetValue(SsoNames.GroupKey(group), out var role) && (best is null || role > best)) best = role;
        }
        return best ?? DefaultRole;
    }
}
