namespace Nextra.Modules.Sso.Oidc;

/// <summary>The fields of <c>/.well-known/openid-configuration</c> sign-in uses.</summary>
internal sealed class OidcDiscoveryDocument
{
    public string? Issuer { get; set; }
    public string? AuthorizationEndpoint { get; set; }
    public string? TokenEndpoint { get; set; }
    public string? JwksUri { get; set; }
    public List<string>? TokenEndpointAuthMethodsSupported { get; set; }
}

/// <summary>The token endpoint's answer (or its error).</summary>
internal sealed class OidcTokenResponse
{
    public string? IdToken { get; set; }
    public string? AccessToken { get; set; }
    public string? TokenType { get; set; }
    public string? Error { get; set; }
    public string? ErrorDescription { get; set; }
}
