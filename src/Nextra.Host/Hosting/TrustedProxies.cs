using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Nextra.Host.Configuration;

namespace Nextra.Host.Hosting;

/// <summary>
/// <c>[server] trusted_proxies</c>: the IPs and CIDR networks of the reverse proxies in front of the server. Only a
/// connection from one of them may say who the client is (<c>X-Forwarded-For</c>, and the scheme with
/// <c>X-Forwarded-Proto</c>); the connection's remote address becomes the client's, so login rate limiting, the audit
/// log's ip and the API limits see the client, not the proxy. With none configured (the default) the headers are ignored:
/// a spoofed <c>X-Forwarded-For</c> cannot move a client out of its login limit.
/// </summary>
internal static class TrustedProxies
{
    /// <summary>The configured entries: a TOML array, or a comma-separated string (NEXTRA_SERVER__TRUSTED_PROXIES).</summary>
    public static IReadOnlyList<string> Entries(IConfiguration configuration)
    {
        var section = configuration.GetSection(ConfigKeys.TrustedProxies);
        var entries = section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (entries.Count == 0 && section.Value is { Length: > 0 } csv) entries.AddRange(csv.Split(','));
        return [.. entries.Select(e => e.Trim()).Where(e => e.Length > 0)];
    }

    /// <summary>The middleware's options: known proxies and networks cleared, then filled from the configuration.</summary>
    public static ForwardedHeadersOptions Options(IReadOnlyList<string> entries)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // One trusted hop per proxy configured: the first untrusted address from the right is the client.
            ForwardLimit = Math.Max(1, entries.Count),
            RequireHeaderSymmetry = false,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (entry.Contains('/'))
            {
                if (!System.Net.IPNetwork.TryParse(entry, out var network))
                    throw new InvalidOperationException($"[server] trusted_proxies: '{entry}' is not an IP network (CIDR such as 10.0.0.0/8).");
                options.KnownIPNetworks.Add(network);
            }
            else
            {
                if (!IPAddress.TryParse(entry, out var address))
                    throw new InvalidOperationException($"[server] trusted_proxies: '{entry}' is not an IP address or CIDR network.");
                options.KnownProxies.Add(address);
                // A proxy on IPv4 reached through a dual-stack socket shows as ::ffff:a.b.c.d.
                if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) options.KnownProxies.Add(address.MapToIPv6());
            }
        }
        return options;
    }
}
