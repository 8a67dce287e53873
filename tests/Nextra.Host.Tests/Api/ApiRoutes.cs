using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Nextra.Host.Tests.Api;

/// <summary>Every <c>/api</c> route the running host maps (so routes added by other modules are covered too).</summary>
public static class ApiRoutes
{
    public sealed record Route(string Method, string Pattern, string Url);

    public static IReadOnlyList<Route> All(IServiceProvider services)
    {
        var routes = new List<Route>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            if (!pattern.StartsWith("/api/", StringComparison.Ordinal))
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods)
            {
                routes.Add(new Route(method, pattern, Fill(endpoint.RoutePattern)));
            }
        }
        return routes;
    }

    /// <summary>Replaces route parameters with plausible values (ids that do not exist).</summary>
    private static string Fill(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern)
    {
        var url = "/" + (pattern.RawText ?? "").Trim('/');
        foreach (var parameter in pattern.Parameters)
        {
            var value = parameter.ParameterPolicies.Any(p => p.Content is "long" or "int") ? "1" : "00000000-0000-0000-0000-000000000001";
            var token = url.IndexOf('{', StringComparison.Ordinal);
            while (token >= 0)
            {
                var end = url.IndexOf('}', token);
                var inner = url[(token + 1)..end].TrimStart('*');
                if (inner.Split(':', '=', '?')[0] == parameter.Name)
                {
                    url = url[..token] + value + url[(end + 1)..];
                    break;
                }
                token = url.IndexOf('{', end);
            }
        }
        return url;
    }
}
