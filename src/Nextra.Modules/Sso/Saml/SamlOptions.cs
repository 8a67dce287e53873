namespace Nextra.Modules.Sso.Saml;

/// <summary><c>[[saml.providers]]</c>: SAML 2.0 identity providers set by the operator (config section <c>Saml</c>).</summary>
public sealed class SamlOptions
{
    public const string Section = "Saml";

    public List<SamlProviderOptions> Providers { get; set; } = [];
}

/// <summary>One <c>[[saml.providers]]</c> entry: the IdP's metadata file, or its entity id, SSO URL and certificate.</summary>
public sealed class SamlProviderOptions
{
    /// <summary>The route segment: <c>/saml/{name}/login</c>, <c>/saml/{name}/metadata</c>, <c>/saml/{name}/acs</c>.</summary>
    public string Name { get; set; } = "";

    public string DisplayName { get; set; } = "";

    /// <summary>Path of the IdP's metadata XML (entity id, HTTP-Redirect SSO URL and signing certificates are read from it).</summary>
    public string IdpMetadata { get; set; } = "";

    public string IdpEntityId { get; set; } = "";

    /// <summary>Where AuthnRequests go (HTTP-Redirect binding).</summary>
    public string IdpSsoUrl { get; set; } = "";

    /// <summary>The IdP's signing certificate: PEM text, base64 DER, or a path to a PEM file.</summary>
    public string IdpCertificate { get; set; } = "";

    /// <summary>The attribute carrying the email; empty = the NameID when it is an email, else the usual email attributes.</summary>
    public string EmailAttribute { get; set; } = "";

    public string GroupsAttribute { get; set; } = "groups";

    public bool AutoProvision { get; set; }

    public string DefaultRole { get; set; } = "editor";

    public Dictionary<string, string> GroupRoles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Name (or id) of the tenant signed-in users belong to; created at first use when missing.</summary>
    public string Tenant { get; set; } = "";
}
