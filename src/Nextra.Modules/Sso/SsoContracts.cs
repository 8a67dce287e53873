namespace Nextra.Modules.Sso;

/// <summary>A button of the login page: "Sign in with <see cref="DisplayName"/>" goes to <see cref="LoginUrl"/>.</summary>
public sealed record SsoProviderInfo(string Name, string DisplayName, string Kind, string LoginUrl);

/// <summary>Settings → Single sign-on: the tenant's providers (the operator's read-only) and whether SSO is required.</summary>
public sealed record SsoSettingsResponse(bool SsoRequired, SsoProviderView[] Providers);

/// <summary>A provider as the settings page shows it; secrets never leave the server (<see cref="HasClientSecret"/> only).</summary>
public sealed record SsoProviderView(
    string Name, string Kind, string DisplayName, string Source, string LoginUrl, string? CallbackUrl,
    string? Authority, string? ClientId, bool HasClientSecret, string[] Scopes, string? EmailClaim, string? GroupsClaim,
    bool AutoProvision, string DefaultRole, Dictionary<string, string> GroupRoles,
    string? IdpEntityId, string? IdpSsoUrl, bool HasIdpCertificate, string? MetadataUrl, string? AcsUrl);

public sealed record PutSsoSettingsRequest(bool SsoRequired);

/// <summary>
/// A tenant provider (<c>PUT /api/sso/providers/{name}</c>). <see cref="ClientSecret"/> null keeps the stored one, "" clears it.
/// </summary>
public sealed record PutSsoProviderRequest(
    string? Kind, string? DisplayName, string? Authority, string? ClientId, string? ClientSecret, string[]? Scopes,
    string? EmailClaim, string? GroupsClaim, bool? AutoProvision, string? DefaultRole, Dictionary<string, string>? GroupRoles,
    string? IdpEntityId, string? IdpSsoUrl, string? IdpCertificate);
