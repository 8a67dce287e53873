using Nextra.Pump.Handlers;

namespace Nextra.Pump.Net;

/// <summary>
/// A request the egress guard refused or cut short, or a network failure. Codes: <c>egress_blocked</c>,
/// <c>egress_too_large</c>, <c>egress_redirects</c>, <c>http_timeout</c>, <c>http_unreachable</c>, <c>http_tls</c>.
/// It is a <see cref="HandlerException"/> so handlers can let it surface as the step's error.
/// </summary>
public sealed class EgressException(string code, string message, Exception? inner = null) : HandlerException(code, message, inner)
{
    public const string Blocked = "egress_blocked";
    public const string TooLarge = "egress_too_large";
    public const string TooManyRedirects = "egress_redirects";
    public const string Timeout = "http_timeout";
    /// <summary>The name did not resolve, nothing accepted the connection, or the connection broke before a complete answer.</summary>
    public const string Unreachable = "http_unreachable";
    /// <summary>The TLS handshake failed (untrusted or mismatched certificate, no TLS on the other end).</summary>
    public const string Tls = "http_tls";

    /// <summary>A request (or one of its redirects) aimed at a host outside the caller's granted hosts (a marketplace tool's manifest).</summary>
    public const string HostNotGranted = "http_host_not_granted";

    /// <summary>
    /// HttpClient wraps exceptions thrown from ConnectCallback or while buffering content in
    /// HttpRequestException/IOException; this digs the guard's own exception back out.
    /// </summary>
    public static EgressException? Find(Exception? e)
    {
        for (var depth = 0; e is not null && depth < 8; depth++, e = e.InnerException)
        {
            if (e is EgressException egress)
                return egress;
        }
        return null;
    }
}
