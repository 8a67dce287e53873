using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nextra.Modules.Audit.Stores;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Audit;

/// <summary>The tenant audit log: <see cref="IAuditLog"/>, the table-driven recording of routes, the API and retention.</summary>
public static class AuditModule
{
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddMigrations("audit", typeof(AuditModule).Assembly, after: "accounts");
        services.AddStore<IAuditStore, SqliteAuditStore, PostgresAuditStore>();
        services.TryAddSingleton<IAuditLog, AuditLog>();
        services.AddHostedService<AuditRetention>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(AuditJsonContext.Default));
        return services;
    }

    /// <summary>Records declared route actions after they succeed; call after <c>UseAccounts</c>.</summary>
    public static IApplicationBuilder UseAudit(this IApplicationBuilder app) => app.UseMiddleware<AuditMiddleware>();

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        AuditEndpoints.Map(app);
        return app;
    }
}
