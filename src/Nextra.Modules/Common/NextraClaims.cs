namespace Nextra.Modules.Common;

/// <summary>Claim types the Accounts authentication handlers put on the principal.</summary>
public static class NextraClaims
{
    public const string UserId = "nextra:user";
    public const string TenantId = "nextra:tenant";
    public const string Email = "nextra:email";
    public const string Role = "nextra:role";
    public const string Scheme = "nextra:scheme";
    /// <summary>The API key's id (API-key requests only): per-key limits and audit.</summary>
    public const string KeyId = "nextra:key";
}
