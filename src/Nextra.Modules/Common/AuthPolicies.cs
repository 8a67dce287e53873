namespace Nextra.Modules.Common;

/// <summary>
/// Authorization policy names registered by the Accounts module. Apply with
/// <c>group.RequireAuthorization(AuthPolicies.Reader)</c> on a <c>/api</c> group and
/// <c>.RequireAuthorization(AuthPolicies.Editor)</c> on writing endpoints.
/// </summary>
public static class AuthPolicies
{
    /// <summary>Any authenticated member of a tenant (viewer or above).</summary>
    public const string Reader = "nextra.reader";

    /// <summary>Editor, admin or owner: may change flows and run them.</summary>
    public const string Editor = "nextra.editor";

    /// <summary>Admin or owner: may manage members and tenant settings.</summary>
    public const string Admin = "nextra.admin";

    /// <summary>Owner only: billing (plans, payment, the customer portal).</summary>
    public const string Owner = "nextra.owner";
}
