using Nextra.Modules.Common;

namespace Nextra.Modules.Marketplace;

/// <summary>The marketplace's stable error codes (R8), each with what the person can do about it.</summary>
public static class MarketplaceErrors
{
    public const string SignatureInvalid = "signature_invalid";
    public const string DigestMismatch = "digest_mismatch";
    public const string ImportNotPermitted = "import_not_permitted";
    public const string PermissionApprovalRequired = "permission_approval_required";
    public const string ToolRevoked = "tool_revoked";
    public const string TierRequired = "tier_required";
    public const string TemplateSecretFound = "template_secret_found";
    public const string VoteRequiresUse = "vote_requires_use";
    /// <summary>The listing's namespace belongs to another publisher's key (a key signs only ids under its own publisher).</summary>
    public const string NamespaceMismatch = "namespace_mismatch";
    /// <summary>A version lower than the installed one without an explicit rollback (no silent downgrade).</summary>
    public const string DowngradeRefused = "downgrade_refused";

    public static ApiException Tier(string what, string needed, string current)
    {
        var ex = new ApiException(403, TierRequired, "Tier required",
            $"{what} needs the {needed} tier or above; this tenant is on {current} (an operator moves it with nextra tenant set-tier).");
        ex.Extensions["requiredTier"] = needed;
        ex.Extensions["tier"] = current;
        return ex;
    }

    public static ApiException Invalid(string field, string message)
    {
        var ex = new ApiException(422, ErrorCodes.ValidationFailed, "Invalid marketplace request", message);
        ex.Extensions["errors"] = new[] { new FieldError(field, ErrorCodes.ValidationFailed, message) };
        return ex;
    }
}
