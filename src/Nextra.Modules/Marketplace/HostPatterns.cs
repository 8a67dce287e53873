using System.Net;
using System.Text.RegularExpressions;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// The host grammar of a tool's <c>http.hosts</c> (R2): <c>https://host[:port]</c> or <c>https://*.domain.tld</c> (wildcard on the
/// leftmost label only, at least two labels after it). IP literals, <c>localhost</c>, <c>self</c> and plain <c>http</c> are refused.
/// </summary>
public static partial class HostPatterns
{
    [GeneratedRegex(@"^https://(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+(:[0-9]{1,5})?$")]
    private static partial Regex Pattern();

    /// <summary>Null when valid, else why not.</summary>
    public static string? Problem(string pattern)
    {
        if (!pattern.StartsWith("https://", StringComparison.Ordinal))
            return $"host '{pattern}' must start with https:// (plain http is not allowed)";
        var host = pattern[8..].Split(':')[0];
        if (host is "localhost" or "self" || host.EndsWith(".localhost", StringComparison.Ordinal))
            return $"host '{pattern}' is local";
        if (IPAddress.TryParse(host.Trim('[', ']'), out _) || pattern.Contains('['))
            return $"host '{pattern}' is an IP literal; name a host";
        if (host.StartsWith("*.", StringComparison.Ordinal) && host.Count(c => c == '.') < 2)
            return $"host '{pattern}': a wildcard needs at least two labels after it (https://*.example.com)";
        if (!Pattern().IsMatch(pattern))
            return $"host '{pattern}' must be https://host[:port] or https://*.domain.tld (lower case, wildcard on the leftmost label only)";
        return null;
    }

    /// <summary>Whether an absolute URL's scheme, host and port fall under the pattern.</summary>
    public static bool Matches(string pattern, Uri url)
    {
        if (url.Scheme != "https") return false;
        var rest = pattern[8..];
        var colon = rest.IndexOf(':');
        var host = colon < 0 ? rest : rest[..colon];
        var port = colon < 0 ? 443 : int.Parse(rest[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        if (url.Port != port) return false;
        return host.StartsWith("*.", StringComparison.Ordinal)
            ? url.Host.EndsWith(host[1..], StringComparison.OrdinalIgnoreCase) && url.Host.Length > host.Length - 1
            : string.Equals(url.Host, host, StringComparison.OrdinalIgnoreCase);
    }
}
