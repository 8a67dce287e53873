using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Accounts;
using Nextra.Modules.Common;
using Nextra.Modules.Sso.Stores;

namespace Nextra.Modules.Sso;

/// <summary>The login page's providers, and Settings → Single sign-on (admin).</summary>
internal static class SsoEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/auth/sso", ListForLogin).AllowAnonymous().WithTags("Single sign-on").WithName("ListSsoProviders")
            .WithSummary("The operator's single sign-on providers, for the login page's buttons.");

        var group = app.MapGroup("/api/sso").WithTags("Single sign-on");
        group.MapGet("", GetSettingsAsync).WithName("GetSsoSettings").WithSummary("The tenant's providers and whether SSO is required.");
        group.MapPut("/settings", PutSettingsAsync).WithName("PutSsoSettings").WithSummary("Require single sign-on for every member (or not).");
        group.MapPut("/providers/{name}", PutProviderAsync).WithName("PutSsoProvider")
            .WithSummary("Create or replace a tenant provider (OIDC or SAML); the client secret is encrypted at rest and never returned.");
        group.MapDelete("/providers/{name}", DeleteProviderAsync).WithName("DeleteSsoProvider").WithSummary("Delete a tenant provider.");
    }

    internal static Ok<SsoProviderInfo[]> ListForLogin(SsoProviderCatalog catalog) =>
        TypedResults.Ok(catalog.ConfiguredOidc
            .Select(p => new SsoProviderInfo(p.Name, p.DisplayName.Length > 0 ? p.DisplayName : p.Name, SsoProviderCatalog.KindOidc, $"/oidc/{p.Name}/login"))
            .Concat(catalog.ConfiguredSaml
                .Select(p => new SsoProviderInfo(p.Name, p.DisplayName.Length > 0 ? p.DisplayName : p.Name, SsoProviderCatalog.KindSaml, $"/saml/{p.Name}/login")))
            .ToArray());

    internal static async Task<Ok<SsoSettingsResponse>> GetSettingsAsync(ICurrentUser user, SsoProviderCatalog catalog, ISsoStore store,
        SsoUrls urls, HttpContext http, CancellationToken ct)
    {
        var views = new List<SsoProviderView>();
        var tenantName = http.User.FindFirst("nextra:tenant_name")?.Value ?? "";
        foreach (var o in catalog.ConfiguredOidc.Where(o => o.Tenant == tenantName || o.Tenant == user.TenantId))
        {
            views.Add(new SsoProviderView(o.Name, SsoProviderCatalog.KindOidc, o.DisplayName.Length > 0 ? o.DisplayName : o.Name, "config",
                $"/oidc/{o.Name}/login", urls.OidcCallback(http.Request, o.Name), o.Authority, o.ClientId, o.ClientSecret.Length > 0,
                [.. o.Scopes], o.EmailClaim, o.GroupsClaim, o.AutoProvision, SsoProviderCatalog.ParseRole(o.DefaultRole).ToWire(),
                o.GroupRoles, null, null, false, null, null));
        }
        foreach (var o in catalog.ConfiguredSaml.Where(o => o.Tenant == tenantName || o.Tenant == user.TenantId))
        {
            var b = urls.Base(http.Request);
            views.Add(new SsoProviderView(o.Name, SsoProviderCatalog.KindSaml, o.DisplayName.Length > 0 ? o.DisplayName : o.Name, "config",
                $"/saml/{o.Name}/login", null, null, null, false, [], null, null, o.AutoProvision, SsoProviderCatalog.ParseRole(o.DefaultRole).ToWire(),
                o.GroupRoles, o.IdpEntityId.Length > 0 ? o.IdpEntityId : o.IdpMetadata, o.IdpSsoUrl, true, $"{b}/saml/{o.Name}/metadata", $"{b}/saml/{o.Name}/acs"));
        }
        foreach (var row in await store.ListProvidersAsync(user.TenantId, ct))
        {
            views.Add(View(row, urls, http.Request));
        }
        return TypedResults.Ok(new SsoSettingsResponse(await store.IsSsoRequiredAsync(user.TenantId, ct), [.. views]));
    }

    internal static async Task<Ok<SsoSettingsResponse>> PutSettingsAsync(PutSsoSettingsRequest body, ICurrentUser user, SsoProviderCatalog catalog,
        ISsoStore store, SsoUrls urls, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        await store.SetSsoRequiredAsync(user.TenantId, body.SsoRequired, time.GetUtcNow(), ct);
        return await GetSettingsAsync(user, catalog, store, urls, http, ct);
    }

    internal static async Task<Ok<SsoProviderView>> PutProviderAsync(string name, PutSsoProviderRequest body, ICurrentUser user,
        SsoProviderCatalog catalog, ISsoStore store, SsoUrls urls, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (!SsoNames.IsValidProviderName(name))
        {
            throw Invalid("name", "A provider name is 1 to 40 of a-z, 0-9, '-' and '_' (it appears in the sign-in URLs).");
        }
        if (catalog.IsConfigured(name))
        {
            throw ApiException.Conflict($"The provider name '{name}' is taken by the server's configuration; choose another.");
        }
        var kind = (body.Kind ?? SsoProviderCatalog.KindOidc).Trim().ToLowerInvariant();
        var existing = await store.FindProviderAsync(name, ct);
        if (existing is not null && existing.TenantId != user.TenantId)
        {
            throw ApiException.Conflict($"The provider name '{name}' is taken; choose another.");
        }
        var settings = new TenantProviderSettings
        {
            Authority = (body.Authority ?? "").Trim(),
            ClientId = (body.ClientId ?? "").Trim(),
            Scopes = [.. body.Scopes ?? []],
            EmailClaim = string.IsNullOrWhiteSpace(body.EmailClaim) ? "email" : body.EmailClaim.Trim(),
            GroupsClaim = string.IsNullOrWhiteSpace(body.GroupsClaim) ? "groups" : body.GroupsClaim.Trim(),
            AutoProvision = body.AutoProvision ?? false,
            DefaultRole = body.DefaultRole ?? "editor",
            GroupRoles = body.GroupRoles ?? [],
            IdpEntityId = (body.IdpEntityId ?? "").Trim(),
            IdpSsoUrl = (body.IdpSsoUrl ?? "").Trim(),
            IdpCertificate = (body.IdpCertificate ?? "").Trim(),
        };
        Validate(kind, settings);
        var now = AccountRows.Iso(time.GetUtcNow());
        var secret = body.ClientSecret switch
        {
            null => existing?.Secret,
            "" => null,
            var s => catalog.EncryptSecret(user.TenantId, name, s),
        };
        var row = new SsoProviderRow
        {
            Name = name,
            TenantId = user.TenantId,
            Kind = kind,
            DisplayName = string.IsNullOrWhiteSpace(body.DisplayName) ? name : body.DisplayName.Trim(),
            Settings = JsonSerializer.Serialize(settings, SsoJsonContext.Default.TenantProviderSettings),
            Secret = kind == SsoProviderCatalog.KindOidc ? secret : null,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        };
        if (!await store.UpsertProviderAsync(row, ct))
        {
            throw ApiException.Conflict($"The provider name '{name}' is taken; choose another.");
        }
        return TypedResults.Ok(View(row, urls, http.Request));
    }

    internal static async Task<NoContent> DeleteProviderAsync(string name, ICurrentUser user, ISsoStore store, CancellationToken ct)
    {
        if (!await store.DeleteProviderAsync(user.TenantId, name, ct))
        {
            throw ApiException.NotFound($"Provider '{name}'");
        }
        return TypedResults.NoContent();
    }

    private static void Validate(string kind, TenantProviderSettings s)
    {
        if (kind == SsoProviderCatalog.KindOidc)
        {
            if (!Uri.TryCreate(s.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
                throw Invalid("authority", "The authority is the provider's issuer URL, e.g. https://login.example.com.");
            if (s.ClientId.Length == 0) throw Invalid("clientId", "Enter the client id the provider gave Nextra.");
        }
        else if (kind == SsoProviderCatalog.KindSaml)
        {
            if (s.IdpEntityId.Length == 0) throw Invalid("idpEntityId", "Enter the identity provider's entity id (from its metadata).");
            if (!Uri.TryCreate(s.IdpSsoUrl, UriKind.Absolute, out var sso) || sso.Scheme is not ("https" or "http"))
                throw Invalid("idpSsoUrl", "Enter the identity provider's single sign-on URL (HTTP-Redirect binding).");
            try
            {
                using var certificate = Saml.SamlProviderLoader.Certificate(s.IdpCertificate);
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException or ArgumentException)
            {
                throw Invalid("idpCertificate", "Paste the identity provider's signing certificate (PEM, -----BEGIN CERTIFICATE-----).");
            }
        }
        else
        {
            throw Invalid("kind", "kind is 'oidc' or 'saml'.");
        }
        if (!Roles.TryParse(s.DefaultRole, out var role) || role == Role.Owner)
            throw Invalid("defaultRole", "defaultRole is viewer, editor or admin.");
        foreach (var (group, value) in s.GroupRoles)
        {
            if (!Roles.TryParse(value, out var r) || r == Role.Owner)
                throw Invalid("groupRoles", $"The role of group '{group}' must be viewer, editor or admin.");
        }
    }

    private static SsoProviderView View(SsoProviderRow row, SsoUrls urls, HttpRequest request)
    {
        var s = SsoProviderCatalog.Settings(row);
        var oidc = row.Kind == SsoProviderCatalog.KindOidc;
        var b = urls.Base(request);
        return new SsoProviderView(row.Name, row.Kind, row.DisplayName, "tenant", $"/{row.Kind}/{row.Name}/login",
            oidc ? urls.OidcCallback(request, row.Name) : null, oidc ? s.Authority : null, oidc ? s.ClientId : null, row.Secret is not null,
            [.. s.Scopes], oidc ? s.EmailClaim : null, oidc ? s.GroupsClaim : null, s.AutoProvision, s.DefaultRole, s.GroupRoles,
            oidc ? null : s.IdpEntityId, oidc ? null : s.IdpSsoUrl, !oidc && s.IdpCertificate.Length > 0,
            oidc ? null : $"{b}/saml/{row.Name}/metadata", oidc ? null : $"{b}/saml/{row.Name}/acs");
    }

    private static ApiException Invalid(string field, string message)
    {
        var ex = new ApiException(422, ErrorCodes.ValidationFailed, "Validation failed", message);
        ex.Extensions["errors"] = new[] { new FieldError(field, ErrorCodes.ValidationFailed, message) };
        return ex;
    }
}
