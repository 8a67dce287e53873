using Nextra.Modules.Accounts;
using Nextra.Modules.Common;
using Nextra.Modules.Sso.Stores;

namespace Nextra.Modules.Sso;

/// <summary>
/// <c>sso_required</c>: members of such a tenant sign in through its identity provider, not with a password. Owners keep
/// password sign-in as the way back in when the provider is down or misconfigured.
/// </summary>
internal sealed class SsoRequiredGate(ISsoStore store) : IPasswordSignInGate
{
    public async Task<string?> RefuseAsync(string tenantId, string userId, Role role, CancellationToken ct) =>
        role != Role.Owner && await store.IsSsoRequiredAsync(tenantId, ct)
            ? "This workspace requires single sign-on: use the \"Sign in with …\" button of your identity provider (ask an admin for the link)."
            : null;
}
