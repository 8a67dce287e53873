using System.Text.Json;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Secrets;
using Nextra.Modules.Sso.Saml;
using Nextra.Modules.Sso.Stores;

namespace Nextra.Modules.Sso;

/// <summary>Providers by name: the operator's (<c>[[oidc.providers]]</c>, <c>[[saml.providers]]</c>) first, then tenants'.</summary>
internal sealed class SsoProviderCatalog(IOptions<OidcOptions> oidc, IOptions<SamlOptions> saml, ISsoStore store, ISecretCipher cipher)
{
    public const string KindOidc = "oidc";
    public const string KindSaml = "saml";

    public IEnumerable<OidcProviderOptions> ConfiguredOidc => oidc.Value.Providers.Where(p => p.Name.Length > 0);

    public IEnumerable<SamlProviderOptions> ConfiguredSaml => saml.Value.Providers.Where(p => p.Name.Length > 0);

    public bool IsConfigured(string name) =>
        ConfiguredOidc.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        || ConfiguredSaml.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public async Task<SamlProvider?> FindSamlAsync(string name, CancellationToken ct)
    {
        if (ConfiguredSaml.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { } o)
        {
            var (entityId, ssoUrl, certificates) = SamlProviderLoader.Idp(o.IdpMetadata, o.IdpEntityId, o.IdpSsoUrl, o.IdpCertificate);
            return new SamlProvider(o.Name, o.DisplayName.Length > 0 ? o.DisplayName : o.Name, entityId, ssoUrl, certificates, o.EmailAttribute,
                o.GroupsAttribute, o.AutoProvision, ParseRole(o.DefaultRole), GroupRoles(o.GroupRoles), o.Tenant, TenantId: null);
        }
        var row = await store.FindProviderAsync(name, ct);
        if (row is null || row.Kind != KindSaml)
        {
            return null;
        }
        var s = Settings(row);
        return new SamlProvider(row.Name, row.DisplayName, s.IdpEntityId, s.IdpSsoUrl, [SamlProviderLoader.Certificate(s.IdpCertificate)], "",
            s.GroupsClaim, s.AutoProvision, ParseRole(s.DefaultRole), GroupRoles(s.GroupRoles), row.TenantId, row.TenantId);
    }

    public async Task<OidcProvider?> FindOidcAsync(string name, CancellationToken ct)
    {
        if (ConfiguredOidc.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { } o)
        {
            return new OidcProvider(o.Name, o.DisplayName.Length > 0 ? o.DisplayName : o.Name, o.Authority, o.ClientId, o.ClientSecret,
                Scopes(o.Scopes), o.EmailClaim, o.GroupsClaim, o.AutoProvision, ParseRole(o.DefaultRole), GroupRoles(o.GroupRoles), o.Tenant, TenantId: null);
        }
        var row = await store.FindProviderAsync(name, ct);
        if (row is null || row.Kind != KindOidc)
        {
            return null;
        }
        var s = Settings(row);
        return new OidcProvider(row.Name, row.DisplayName, s.Authority, s.ClientId, DecryptSecret(row) ?? "", Scopes(s.Scopes), s.EmailClaim,
            s.GroupsClaim, s.AutoProvision, ParseRole(s.DefaultRole), GroupRoles(s.GroupRoles), row.TenantId, row.TenantId);
    }

    public static TenantProviderSettings Settings(SsoProviderRow row) =>
        JsonSerializer.Deserialize(row.Settings, SsoJsonContext.Default.TenantProviderSettings) ?? new TenantProviderSettings();

    /// <summary>The AES-GCM ciphertext is bound to the tenant and the provider's name: a row copied elsewhere does not decrypt.</summary>
    public string? DecryptSecret(SsoProviderRow row) =>
        row.Secret is null ? null : cipher.Decrypt(row.TenantId, SecretName(row.Name), Convert.FromBase64String(row.Secret));

    public string EncryptSecret(string tenantId, string name, string secret) =>
        Convert.ToBase64String(cipher.Encrypt(tenantId, SecretName(name), secret));

    private static string SecretName(string provider) => "sso:" + provider;

    private static IReadOnlyList<string> Scopes(List<string> scopes)
    {
        var list = scopes.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (list.Count == 0) list = ["openid", "email", "profile"];
        if (!list.Contains("openid")) list.Insert(0, "openid");
        return list;
    }

    internal static Role ParseRole(string? role) => Roles.TryParse(role, out var r) ? r : Role.Editor;

    private static Dictionary<string, Role> GroupRoles(Dictionary<string, string> map) =>
        map.Where(kv => Roles.TryParse(kv.Value, out _))
            .ToDictionary(kv => SsoNames.GroupKey(kv.Key), kv => ParseRole(kv.Value), StringComparer.Ordinal);
}
