using Nextra.Pump.Handlers;

namespace Nextra.Pump.Net;

/// <summary>
/// A request the egress guard refused or cut short. Codes: <c>egress_blocked</c>,
/// <c>egress_too_large</c>, <c>egress_redirects</c>, <c>http_timeout</c>.
/// It is a <see cref="HandlerException"/> so handlers can let it surface as the step's error.
/// </summary>
public sealed class EgressException(string code, string message, Exception? inner = null) : HandlerException(code, message, inner)
{
    public const string Blocked = "egress_blocked";
    public const string TooLarge = "egress_too_large";
    public const string TooManyRedirects = "egress_redirects";
    public const string Timeout = "http_timeout";

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
