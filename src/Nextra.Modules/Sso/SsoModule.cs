using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nextra.Modules.Accounts;
using Nextra.Modules.Common;
using Nextra.Modules.Sso.Clerk;
using Nextra.Modules.Sso.Oidc;
using Nextra.Modules.Sso.Saml;
using Nextra.Modules.Sso.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Sso;

/// <summary>Single sign-on: OpenID Connect and SAML 2.0 sign-in with just-in-time provisioning, and Clerk's user sync.</summary>
public static class SsoModule
{
    public static IServiceCollection AddSso(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<OidcOptions>().Bind(configuration.GetSection(OidcOptions.Section))
            .Validate(o => o.Providers.All(p => p.Name.Length == 0 || (SsoNames.IsValidProviderName(p.Name) && p.Authority.Length > 0 && p.ClientId.Length > 0)),
                "Every [[oidc.providers]] entry needs a name (a-z, 0-9, '-', '_'), an authority and a client_id")
            .ValidateOnStart();
        services.AddOptions<SamlOptions>().Bind(configuration.GetSection(SamlOptions.Section))
            .Validate(o => o.Providers.All(p => p.Name.Length == 0 || (SsoNames.IsValidProviderName(p.Name)
                && (p.IdpMetadata.Length > 0 || (p.IdpEntityId.Length > 0 && p.IdpSsoUrl.Length > 0 && p.IdpCertificate.Length > 0)))),
                "Every [[saml.providers]] entry needs a name (a-z, 0-9, '-', '_') and idp_metadata, or idp_entity_id, idp_sso_url and idp_certificate")
            .ValidateOnStart();
        services.AddOptions<ClerkOptions>().Bind(configuration.GetSection(ClerkOptions.Section));
        services.AddMigrations("sso", typeof(SsoModule).Assembly, after: "accounts");
        services.AddStore<ISsoStore, SqliteSsoStore, PostgresSsoStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new SsoUrls(configuration["Server:PublicUrl"]));
        services.TryAddSingleton<SsoProviderCatalog>();
        services.TryAddSingleton<OidcClient>();
        services.TryAddSingleton<SsoSignIn>();
        services.TryAddSingleton<ClerkSync>();
        services.AddSingleton<IPasswordSignInGate, SsoRequiredGate>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(SsoJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapSso(this IEndpointRouteBuilder app)
    {
        SsoEndpoints.Map(app);
        OidcEndpoints.Map(app);
        ClerkEndpoints.Map(app);
        SamlEndpoints.Map(app);
        return app;
    }
}
