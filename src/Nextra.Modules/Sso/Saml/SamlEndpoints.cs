using System.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Accounts;
using Nextra.Modules.Accounts.Auth;
using Nextra.Modules.Sso.Oidc;
using Nextra.Modules.Sso.Stores;

namespace Nextra.Modules.Sso.Saml;

/// <summary>
/// SAML 2.0 service provider, SP-initiated: <c>GET /saml/{provider}/login</c> sends an AuthnRequest (HTTP-Redirect),
/// <c>POST /saml/{provider}/acs</c> takes the signed response (HTTP-POST), <c>GET /saml/{provider}/metadata</c> describes
/// this service provider to the IdP. The AuthnRequest id is kept single-use; the assertion id is accepted once.
/// </summary>
internal static class SamlEndpoints
{
    private static readonly TimeSpan RequestLifetime = TimeSpan.FromMinutes(10);

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/saml/{provider}").WithTags("Single sign-on").AllowAnonymous();
        group.MapGet("/login", LoginAsync).WithName("SamlLogin").WithSummary("Start signing in with a SAML identity provider (redirects to it).").Produces(StatusCodes.Status302Found);
        group.MapGet("/metadata", MetadataAsync).WithName("SamlMetadata").WithSummary("This service provider's SAML metadata for the IdP.").Produces<string>(StatusCodes.Status200OK, "application/samlmetadata+xml");
        group.MapPost("/acs", AcsAsync).RequireLoginRateLimit().WithName("SamlAcs").WithSummary("Assertion consumer service (HTTP-POST binding).").Produces(StatusCodes.Status302Found);
    }

    private static string EntityId(SsoUrls urls, HttpRequest request, string provider) => $"{urls.Base(request)}/saml/{provider}/metadata";

    private static string Acs(SsoUrls urls, HttpRequest request, string provider) => $"{urls.Base(request)}/saml/{provider}/acs";

    internal static async Task<Results<RedirectHttpResult, ProblemHttpResult>> LoginAsync(string provider, string? returnUrl, SsoProviderCatalog catalog,
        ISsoStore store, SsoUrls urls, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var p = await catalog.FindSamlAsync(provider, ct);
        if (p is null) return OidcEndpoints.NotFound(provider);
        var now = time.GetUtcNow();
        var id = "_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        await store.SaveRequestAsync(new SsoRequestRow
        {
            Id = Tokens.Sha256Hex(id), Provider = p.Name, Nonce = "", CodeVerifier = "", ReturnUrl = SsoUrls.SafeReturn(returnUrl),
            CreatedAt = AccountRows.Iso(now), ExpiresAt = AccountRows.Iso(now + RequestLifetime),
        }, now, ct);
        var xml = $"""<samlp:AuthnRequest xmlns:samlp="{SamlNames.Protocol}" xmlns:saml="{SamlNames.Assertion}" ID="{id}" Version="2.0" IssueInstant="{now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" Destination="{Esc(p.IdpSsoUrl)}" AssertionConsumerServiceURL="{Esc(Acs(urls, http.Request, p.Name))}" ProtocolBinding="{SamlNames.PostBinding}"><saml:Issuer>{Esc(EntityId(urls, http.Request, p.Name))}</saml:Issuer><samlp:NameIDPolicy Format="{SamlNames.EmailFormat}" AllowCreate="true"/></samlp:AuthnRequest>""";
        var separator = p.IdpSsoUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return TypedResults.Redirect(p.IdpSsoUrl + separator + "SAMLRequest=" + Uri.EscapeDataString(SamlResponseValidator.Deflate(xml)));
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> MetadataAsync(string provider, SsoProviderCatalog catalog, SsoUrls urls,
        HttpContext http, CancellationToken ct)
    {
        var p = await catalog.FindSamlAsync(provider, ct);
        if (p is null) return OidcEndpoints.NotFound(provider);
        var xml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <md:EntityDescriptor xmlns:md="{SamlNames.Metadata}" entityID="{Esc(EntityId(urls, http.Request, p.Name))}">
              <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="{SamlNames.Protocol}">
                <md:NameIDFormat>{SamlNames.EmailFormat}</md:NameIDFormat>
                <md:AssertionConsumerService Binding="{SamlNames.PostBinding}" Location="{Esc(Acs(urls, http.Request, p.Name))}" index="0" isDefault="true"/>
              </md:SPSSODescriptor>
            </md:EntityDescriptor>
            """;
        return TypedResults.Content(xml, "application/samlmetadata+xml");
    }

    internal static async Task<Results<RedirectHttpResult, ProblemHttpResult>> AcsAsync(string provider, SsoProviderCatalog catalog, ISsoStore store,
        SsoSignIn signIn, ISessionStarter accountService, SsoUrls urls, IOptions<AccountsOptions> accounts, TimeProvider time,
        ILoggerFactory logs, HttpContext http, CancellationToken ct)
    {
        var p = await catalog.FindSamlAsync(provider, ct);
        if (p is null) return OidcEndpoints.NotFound(provider);
        var log = logs.CreateLogger("Nextra.Sso");
        try
        {
            if (!http.Request.HasFormContentType) throw new SsoException("saml_invalid", "The ACS takes the HTTP-POST binding (a form with SAMLResponse).");
            var form = await http.Request.ReadFormAsync(ct);
            var now = time.GetUtcNow();
            var assertion = SamlResponseValidator.Validate(form["SAMLResponse"], p, Acs(urls, http.Request, p.Name), EntityId(urls, http.Request, p.Name), now);
            var request = await store.TakeRequestAsync(Tokens.Sha256Hex(assertion.InResponseTo), now, ct);
            if (request is null || request.Provider != p.Name)
            {
                throw new SsoException("invalid_state", "The response answers no sign-in started here (unknown, expired or already used InResponseTo).");
            }
            if (!await store.TryUseOnceAsync("saml", p.Name + "\n" + assertion.Id, assertion.NotOnOrAfter + SamlResponseValidator.Skew, ct))
            {
                throw new SsoException("saml_replay", "This assertion was already used.");
            }
            var user = await signIn.SignInAsync(new SsoIdentity(p.Name, assertion.NameId, assertion.Email, assertion.Groups),
                new SsoLanding(p.Tenant, p.TenantId, p.AutoProvision, p.RoleFor(assertion.Groups)), ct);
            var (token, csrf, expires) = await accountService.StartSessionAsync(user, ct);
            AuthCookies.Set(http.Response, token, csrf, expires, accounts.Value.SecureCookies);
            log.LogInformation("SAML sign-in with {Provider}: user {UserId} in tenant {TenantId}", p.Name, user.UserId, user.TenantId);
            return TypedResults.Redirect(request.ReturnUrl);
        }
        catch (SsoException ex)
        {
            log.LogWarning("SAML sign-in with {Provider} refused: {Code}: {Message}", p.Name, ex.Code, ex.Message);
            return TypedResults.Redirect(SsoUrls.LoginError(ex.Code));
        }
    }

    private static string Esc(string s) => SecurityElement.Escape(s);
}
