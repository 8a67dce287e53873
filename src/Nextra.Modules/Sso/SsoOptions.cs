namespace Nextra.Modules.Sso;

/// <summary><c>[[oidc.providers]]</c>: OpenID Connect providers set by the operator (config section <c>Oidc</c>).</summary>
public sealed class OidcOptions
{
    public const string Section = "Oidc";

    public List<OidcProviderOptions> Providers { get; set; } = [];
}

/// <summary>One <c>[[oidc.providers]]</c> entry (keys of issue 12, exactly).</summary>
public sealed class OidcProviderOptions
{
    /// <summary>The route segment: <c>/oidc/{name}/login</c>, <c>/oidc/{name}/callback</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The login page's "Sign in with &lt;display_name&gt;".</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>The issuer URL; <c>{authority}/.well-known/openid-configuration</c> is its discovery document.</summary>
    public string Authority { get; set; } = "";

    public string ClientId { get; set; } = "";

    /// <summary>Empty for a public client (PKCE alone).</summary>
    public string ClientSecret { get; set; } = "";

    public List<string> Scopes { get; set; } = [];

    public string EmailClaim { get; set; } = "email";

    public string GroupsClaim { get; set; } = "groups";

    /// <summary>Create the user (and the membership) at first sign-in; otherwise only existing members may sign in.</summary>
    public bool AutoProvision { get; set; }

    public string DefaultRole { get; set; } = "editor";

    /// <summary>Group name → role; the highest role of the user's groups wins over <see cref="DefaultRole"/>.</summary>
    public Dictionary<string, string> GroupRoles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Name (or id) of the tenant signed-in users belong to; created at first use when missing.</summary>
    public string Tenant { get; set; } = "";
}
