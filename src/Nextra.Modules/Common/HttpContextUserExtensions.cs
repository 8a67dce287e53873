using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Nextra.Modules.Common;

/// <summary>Shortcuts for code that has an <see cref="HttpContext"/> (hubs, middleware) rather than DI.</summary>
public static class HttpContextUserExtensions
{
    public static ICurrentUser GetCurrentUser(this HttpContext context) =>
        context.RequestServices.GetRequiredService<ICurrentUser>();

    /// <summary>The caller's tenant id, or null when the request is not authenticated.</summary>
    public static string? GetTenantId(this HttpContext context) =>
        context.User.FindFirst(NextraClaims.TenantId)?.Value;
}
