namespace Nextra.Modules.Accounts;

/// <summary>
/// Lets another module refuse password sign-in into a tenant after the password was verified (single sign-on's
/// <c>sso_required</c>). Registered gates are asked in turn; the first refusal wins.
/// </summary>
public interface IPasswordSignInGate
{
    /// <summary>Null to allow; else the detail of a 403 <c>sso_required</c> telling the person how to sign in instead.</summary>
    Task<string?> RefuseAsync(string tenantId, string userId, Common.Role role, CancellationToken ct);
}
