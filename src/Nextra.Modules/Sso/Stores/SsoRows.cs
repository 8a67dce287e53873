namespace Nextra.Modules.Sso.Stores;

// Store rows: mutable classes because Dapper.AOT materialises through setters. Never serialised to clients.

internal sealed class SsoRequestRow
{
    public string Id { get; set; } = "";
    public string Provider { get; set; } = "";
    public string Nonce { get; set; } = "";
    public string CodeVerifier { get; set; } = "";
    public string ReturnUrl { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string ExpiresAt { get; set; } = "";
}

internal sealed class SsoProviderRow
{
    public string Name { get; set; } = "";
    public string TenantId { get; set; } = "";
    /// <summary><c>oidc</c> or <c>saml</c>.</summary>
    public string Kind { get; set; } = "";
    public string DisplayName { get; set; } = "";
    /// <summary>The non-secret settings as JSON (<see cref="TenantProviderSettings"/>).</summary>
    public string Settings { get; set; } = "";
    /// <summary>Base64 of the client secret's AES-256-GCM ciphertext (SecretCipher, bound to tenant and provider).</summary>
    public string? Secret { get; set; }
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
}
