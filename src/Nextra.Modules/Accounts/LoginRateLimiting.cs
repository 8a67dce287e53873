using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts;

/// <summary>
/// Slows password guessing: <c>login_attempts_per_minute</c> per client address on login and setup, through the
/// rate-limiter seam (shared by every instance in hosted mode). Past it: 429 <c>rate_limited</c> with
/// <c>Retry-After</c>.
/// </summary>
public static class LoginRateLimiting
{
    /// <summary>Adds the limit to a login or setup endpoint.</summary>
    public static RouteHandlerBuilder RequireLoginRateLimit(this RouteHandlerBuilder endpoint) => endpoint.AddEndpointFilter(async (context, next) =>
    {
        var http = context.HttpContext;
        var perMinute = http.RequestServices.GetRequiredService<IOptions<AccountsOptions>>().Value.LoginAttemptsPerMinute;
        var limiter = http.RequestServices.GetRequiredService<IRateLimiter>();
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "local";
        var decision = await limiter.TryAcquireAsync("login:" + client, RateLimitRule.PerMinute(perMinute), http.RequestAborted).ConfigureAwait(false);
        if (decision.Allowed) return await next(context).ConfigureAwait(false);
        http.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(decision.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await ProblemResponses.WriteAsync(http, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many attempts",
            "Too many sign-in attempts; wait a minute and try again.").ConfigureAwait(false);
        return Results.Empty;
    });
}
