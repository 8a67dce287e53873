namespace Nextra.Modules.Sso;

/// <summary>The non-secret settings of a tenant-configured provider, stored as JSON (the secret is stored encrypted beside it).</summary>
internal sealed class TenantProviderSettings
{
    // OIDC
    public string Authority { get; set; } = "";
    public string ClientId { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
    public string EmailClaim { get; set; } = "email";
    public string GroupsClaim { get; set; } = "groups";
    public bool AutoProvision { get; set; }
    public string DefaultRole { get; set; } = "editor";
    public Dictionary<string, string> GroupRoles { get; set; } = [];

    // SAML
    public string IdpEntityId { get; set; } = "";
    public string IdpSsoUrl { get; set; } = "";
    /// <summary>The IdP's signing certificate (PEM or base64 DER); public, so not encrypted.</summary>
    public string IdpCertificate { get; set; } = "";
}
