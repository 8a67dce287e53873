using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Accounts.Auth;

/// <summary>
/// Enforces <see cref="RouteTable"/> for every endpoint: anonymous routes pass, others need a signed-in member whose
/// role is at least the route's minimum (401 <c>unauthorized</c>, 403 <c>forbidden</c> naming the role needed); an
/// endpoint the table does not declare is refused. Then API-key requests are limited per key and per tenant to the
/// tier's <c>api_requests_per_minute</c> through the rate-limiter seam (429 <c>rate_limited</c> with Retry-After).
/// </summary>
internal sealed class RouteAccessMiddleware(RequestDelegate next, IRateLimiter limiter, ITierLimits tiers, IMembershipStore memberships, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            await next(context);
            return;
        }
        var rule = RouteTable.Find(context.Request.Method, endpoint.RoutePattern.RawText ?? "");
        if (rule is null)
        {
            await ProblemResponses.WriteAsync(context, 403, ErrorCodes.Forbidden, "Forbidden",
                $"The route {context.Request.Method} {RouteTable.Normalize(endpoint.RoutePattern.RawText)} declares no minimum role, so nobody may call it.");
            return;
        }
        if (rule.Minimum is not { } minimum)
        {
            await next(context);
            return;
        }
        var user = context.User;
        var tenantId = user.FindFirst(NextraClaims.TenantId)?.Value;
        if (user.Identity?.IsAuthenticated != true || tenantId is null)
        {
            await context.ChallengeAsync();
            return;
        }
        var role = Roles.TryParse(user.FindFirst(NextraClaims.Role)?.Value, out var r) ? r : Role.Viewer;
        if (role < minimum)
        {
            await ProblemResponses.WriteAsync(context, 403, ErrorCodes.Forbidden, "Forbidden",
                $"This needs the {minimum.ToWire()} role{(minimum == Role.Owner ? "" : " or above")}; you are {role.ToWire()} in this tenant.");
            return;
        }
        if (user.FindFirst(NextraClaims.KeyId)?.Value is { } keyId && !await WithinLimitsAsync(context, tenantId, keyId))
        {
            return;
        }
        var userId = user.FindFirst(NextraClaims.UserId)?.Value;
        if (userId is not null && (await limiter.TryAcquireAsync($"seen:{tenantId}:{userId}", RateLimitRule.PerMinute(1), context.RequestAborted)).Allowed)
        {
            await memberships.TouchAsync(tenantId, userId, time.GetUtcNow(), context.RequestAborted);
        }
        await next(context);
    }

    private async Task<bool> WithinLimitsAsync(HttpContext context, string tenantId, string keyId)
    {
        var tier = await tiers.ForTenantAsync(tenantId, context.RequestAborted);
        if (tier.ApiRequestsPerMinute is not { } perMinute) return true;
        var rule = RateLimitRule.PerMinute((int)Math.Clamp(perMinute, 1, int.MaxValue));
        var decision = await limiter.TryAcquireAsync("apikey:" + keyId, rule, context.RequestAborted);
        var scope = "this API key";
        if (decision.Allowed)
        {
            decision = await limiter.TryAcquireAsync("tenant-api:" + tenantId, rule, context.RequestAborted);
            scope = "the API keys of this tenant";
        }
        if (decision.Allowed) return true;
        context.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(decision.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await ProblemResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many requests",
            $"The {tier.Name} tier allows {perMinute} API requests a minute for {scope}; retry after the Retry-After seconds or move to a larger tier.");
        return false;
    }
}
