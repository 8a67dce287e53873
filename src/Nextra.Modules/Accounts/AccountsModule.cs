using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nextra.Modules.Accounts.Auth;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Accounts;

/// <summary>Tenants, users, sessions, API keys, and the authentication scheme and policies every module uses.</summary>
public static class AccountsModule
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<AccountsOptions>()
            .Bind(configuration.GetSection(AccountsOptions.Section))
            .Validate(o => o.PasswordIterations >= 1 && o.SessionDays >= 1 && o.MinPasswordLength >= 1 && o.LoginAttemptsPerMinute >= 1 && o.InviteDays >= 1, "Accounts options out of range")
            .Validate(o => o.Signup?.Trim().ToLowerInvariant() is "open" or "closed", "accounts.signup must be \"open\" or \"closed\"")
            .ValidateOnStart();
        services.AddMigrations("accounts", typeof(AccountsModule).Assembly);
        services.AddTierDefaults(configuration); // team members per tier
        services.AddStore<IAccountStore, SqliteAccountStore, PostgresAccountStore>();
        services.AddStore<ISessionStore, SqliteSessionStore, PostgresSessionStore>();
        services.AddStore<IApiKeyStore, SqliteApiKeyStore, PostgresApiKeyStore>();
        services.AddStore<IMembershipStore, SqliteMembershipStore, PostgresMembershipStore>();
        services.AddStore<IInviteStore, SqliteInviteStore, PostgresInviteStore>();
        services.AddStore<IUserLifecycle, SqliteUserLifecycleStore, PostgresUserLifecycleStore>();
        services.AddStore<ISetupTokenStore, SqliteSetupTokenStore, PostgresSetupTokenStore>();
        services.TryAddSingleton<PasswordHasher>();
        services.TryAddSingleton<SetupTokens>();
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<ISessionStarter>(sp => sp.GetRequiredService<AccountService>());
        services.TryAddSingleton<ApiKeyService>();
        services.TryAddSingleton<MembersService>();
        services.AddHostedService<SessionSweeper>();
        services.AddOptions<OriginOptions>().Configure(o => OriginOptions.Read(configuration, o));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(AccountsJsonContext.Default));

        services.AddAuthentication(NextraAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, NextraAuthenticationHandler>(NextraAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Reader, p => p.RequireAuthenticatedUser().RequireClaim(NextraClaims.TenantId))
            .AddPolicy(AuthPolicies.Editor, p => p.RequireAuthenticatedUser().RequireAssertion(c => HasRole(c.User, Role.Editor)))
            .AddPolicy(AuthPolicies.Admin, p => p.RequireAuthenticatedUser().RequireAssertion(c => HasRole(c.User, Role.Admin)))
            .AddPolicy(AuthPolicies.Owner, p => p.RequireAuthenticatedUser().RequireAssertion(c => HasRole(c.User, Role.Owner)));
        return services;
    }

    /// <summary>Authentication, CSRF check, every route's minimum role (<see cref="RouteTable"/>) and API limits; call after routing, before endpoints.</summary>
    public static IApplicationBuilder UseAccounts(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseMiddleware<CsrfMiddleware>();
        app.UseMiddleware<HubOriginMiddleware>();
        app.UseMiddleware<RouteAccessMiddleware>();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        AccountsEndpoints.Map(app);
        ApiKeysEndpoints.Map(app);
        MembersEndpoints.Map(app);
        return app;
    }

    /// <summary>Whether the principal's role is at least <paramref name="minimum"/>.</summary>
    public static bool HasRole(ClaimsPrincipal user, Role minimum) =>
        Roles.TryParse(user.FindFirst(NextraClaims.Role)?.Value, out var role) && role >= minimum;
}
