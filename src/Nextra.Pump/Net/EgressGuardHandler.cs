using System.Net;

namespace Nextra.Pump.Net;

/// <summary>
/// Outermost handler of the guarded client: only http/https, redirects followed here (never by the
/// socket handler) so every hop goes through the same checks, credentials dropped when a redirect
/// leaves the origin, and the response body capped while it streams.
/// </summary>
internal sealed class EgressGuardHandler(EgressOptions options, EgressPolicy policy, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly string[] CredentialHeaders = ["Authorization", "Proxy-Authorization", "Cookie", "x-api-key", "api-key"];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var current = request;
        for (var hop = 0; ; hop++)
        {
            CheckTarget(current.RequestUri);
            if (current.Options.TryGetValue(EgressHttp.AllowedTargetsOption, out var allows) && !allows(current.RequestUri!))
                throw new EgressException(EgressException.HostNotGranted,
                    $"{current.RequestUri!.GetLeftPart(UriPartial.Authority)}: not a granted host{(hop > 0 ? " (reached by a redirect)" : "")}");
            var response = await base.SendAsync(current, cancellationToken).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is null)
                return Cap(response);
            if (hop >= options.MaxRedirects)
            {
                response.Dispose();
                throw new EgressException(EgressException.TooManyRedirects, $"more than {options.MaxRedirects} redirects");
            }
            var next = BuildRedirect(current, response);
            response.Dispose();
            current = next;
        }
    }

    private void CheckTarget(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
            throw new EgressException(EgressException.Blocked, "request URL must be absolute");
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            throw new EgressException(EgressException.Blocked, $"scheme '{uri.Scheme}' is not allowed (only http and https)");
        // Literal addresses fail fast here; names are checked after resolution in the connect callback.
        if (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var ip) && !policy.IsHostAllowListed(uri.IdnHost) && policy.Check(ip) is { } why)
            throw new EgressException(EgressException.Blocked, $"{uri.Host}: {why}");
    }

    private HttpResponseMessage Cap(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentLength is long length && length > options.MaxResponseBytes)
        {
            response.Dispose();
            throw new EgressException(EgressException.TooLarge, $"response body of {length} bytes exceeds {options.MaxResponseBytes}");
        }
        response.Content = new CappedContent(response.Content, options.MaxResponseBytes);
        return response;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static HttpRequestMessage BuildRedirect(HttpRequestMessage previous, HttpResponseMessage response)
    {
        var location = response.Headers.Location!;
        var target = location.IsAbsoluteUri ? location : new Uri(previous.RequestUri!, location);
        // 303, and 301/302 after POST, become GET without a body (what browsers and HttpClient do).
        var keepMethod = response.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect
            || (previous.Method == HttpMethod.Get || previous.Method == HttpMethod.Head) && response.StatusCode != HttpStatusCode.SeeOther;
        var next = new HttpRequestMessage(keepMethod ? previous.Method : HttpMethod.Get, target)
        {
            Version = previous.Version,
            VersionPolicy = previous.VersionPolicy,
        };
        if (keepMethod && previous.Content is not null)
            next.Content = previous.Content;
        var sameOrigin = Uri.Compare(previous.RequestUri, target, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        var sensitive = SensitiveHeaders(previous);
        foreach (var header in previous.Headers)
        {
            if (!sameOrigin && (Array.Exists(CredentialHeaders, h => h.Equals(header.Key, StringComparison.OrdinalIgnoreCase)) || sensitive.Contains(header.Key)))
                continue;
            next.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        foreach (var option in previous.Options)
            ((IDictionary<string, object?>)next.Options)[option.Key] = option.Value;
        return next;
    }

    private static HashSet<string> SensitiveHeaders(HttpRequestMessage request) =>
        request.Options.TryGetValue(EgressHttp.SensitiveHeadersOption, out var names)
            ? new HashSet<string>(names, StringComparer.OrdinalIgnoreCase)
            : new HashSet<string>(StringComparer.OrdinalIgnoreCase);

}
