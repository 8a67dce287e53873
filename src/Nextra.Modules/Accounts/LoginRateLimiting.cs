using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts;

/// <summary>Slows password guessing: a fixed window of attempts per client address on login and setup.</summary>
internal static class LoginRateLimiting
{
    public const string Policy = "nextra.login";

    public static IServiceCollection AddLoginRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Policy, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<AccountsOptions>>().Value.LoginAttemptsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "local",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            o.OnRejected = (context, _) =>
            {
                // Seconds until the window opens again, so clients (and the UI) know when to retry.
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter =
                    Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return new ValueTask(ProblemResponses.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                    ErrorCodes.RateLimited, "Too many attempts", "Too many sign-in attempts; wait a minute and try again."));
            };
        });
        return services;
    }
}
