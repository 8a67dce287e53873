using System.Net;
using System.Net.Sockets;

namespace Nextra.Pump.Net;

/// <summary>
/// Builds the guarded <see cref="HttpClient"/> that <c>IFlowServices.Egress</c> hands to handlers,
/// and the one helper handlers use to send through it with a timeout.
/// </summary>
public static class EgressHttp
{
    /// <summary>Request option naming extra headers (e.g. ones filled from secrets) to drop on cross-origin redirects.</summary>
    public static readonly HttpRequestOptionsKey<string[]> SensitiveHeadersOption = new("nextra.egress.sensitive-headers");

    /// <summary>
    /// Request option: the only URLs the request may reach, checked on every hop (redirects included) before it is sent;
    /// a refusal is <see cref="EgressException.HostNotGranted"/> (a marketplace tool's granted hosts).
    /// </summary>
    public static readonly HttpRequestOptionsKey<Func<Uri, bool>> AllowedTargetsOption = new("nextra.egress.allowed-targets");

    /// <summary>
    /// A client whose sockets only ever connect to addresses the policy accepts: DNS is resolved here,
    /// every resolved address checked, the connection made to a checked address (so a second lookup
    /// cannot swap in a private one). No proxy, no automatic redirects, no cookies; one instance per
    /// host is enough (it pools connections).
    /// </summary>
    /// <param name="propagateTraceContext">
    /// Send the current activity's W3C <c>traceparent</c>/<c>tracestate</c> (for flows that set <c>propagate_trace_context</c>);
    /// by default outbound requests carry none, so the server's internal trace ids stay inside.
    /// </param>
    public static HttpClient CreateClient(EgressOptions options, bool propagateTraceContext = false)
    {
        var policy = new EgressPolicy(options.AllowList);
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            ConnectCallback = (context, ct) => ConnectAsync(policy, context, ct),
            // Flows put payload text into headers; send it as UTF-8 (obs-text) instead of failing on non-ASCII.
            RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8,
            ResponseHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8,
            ActivityHeadersPropagator = propagateTraceContext
                ? System.Diagnostics.DistributedContextPropagator.Current
                : System.Diagnostics.DistributedContextPropagator.CreateNoOutputPropagator(),
        };
        return new HttpClient(new EgressGuardHandler(options, policy, sockets))
        {
            // Per-request deadlines come from callers (clamped by EgressOptions); the client never adds its own.
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = options.MaxResponseBytes,
        };
    }

    private static async ValueTask<Stream> ConnectAsync(EgressPolicy policy, SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var port = context.DnsEndPoint.Port;
        var hostAllowed = policy.IsHostAllowListed(host);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        var usable = new List<IPAddress>();
        string? lastReason = null;
        foreach (var address in addresses)
        {
            var reason = hostAllowed ? null : policy.Check(address);
            if (reason is null)
                usable.Add(address);
            else
                lastReason = reason;
        }
        if (usable.Count == 0)
            throw new EgressException(EgressException.Blocked, $"connection to {host} refused: {lastReason ?? "it does not resolve"}");

        Exception? failure = null;
        foreach (var address in usable)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                failure = e;
                if (e is OperationCanceledException)
                    throw;
            }
        }
        throw failure!;
    }

    /// <summary>
    /// Sends <paramref name="request"/> with a deadline and turns guard and timeout failures into coded
    /// <see cref="EgressException"/>s. <paramref name="read"/> consumes the response inside the deadline.
    /// </summary>
    public static async Task<T> SendAsync<T>(HttpClient client, HttpRequestMessage request, TimeSpan timeout, HttpCompletionOption completion,
        Func<HttpResponseMessage, CancellationToken, Task<T>> read, TimeProvider time, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            using var response = await client.SendAsync(request, completion, linked.Token).ConfigureAwait(false);
            return await read(response, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new EgressException(EgressException.Timeout, $"{request.RequestUri?.GetLeftPart(UriPartial.Path)} did not answer within {timeout.TotalSeconds:0.###} s", e);
        }
        catch (Exception e) when (e is not EgressException && !ct.IsCancellationRequested && Classify(e, request.RequestUri) is { } coded)
        {
            throw coded;
        }
    }

    /// <summary>
    /// A network failure as a coded <see cref="EgressException"/>: the guard's own refusal dug out of
    /// HttpClient's wrapping, else <c>http_tls</c>, <c>http_timeout</c> (connect timeout) or
    /// <c>http_unreachable</c>. Null for anything else (a bug, a cancellation the caller asked for).
    /// </summary>
    public static EgressException? Classify(Exception e, Uri? target)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is EgressException own)
            return own;
        if (EgressException.Find(e) is { } egress)
            return new EgressException(egress.Code, egress.Message, e);
        var where = target is null ? "the server" : target.GetLeftPart(UriPartial.Authority);
        if (e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } || Has<System.Security.Authentication.AuthenticationException>(e))
            return new EgressException(EgressException.Tls, $"TLS with {where} failed: {Innermost(e).Message}", e);
        if (Has<TimeoutException>(e))
            return new EgressException(EgressException.Timeout, $"{where} did not accept the connection in time", e);
        if (e is OperationCanceledException)
            return null;
        if (e is HttpRequestException or IOException or SocketException)
            return new EgressException(EgressException.Unreachable, $"{where} could not be reached or broke off the answer: {Innermost(e).Message}", e);
        return null;
    }

    private static bool Has<T>(Exception? e) where T : Exception
    {
        for (var depth = 0; e is not null && depth < 8; depth++, e = e.InnerException)
        {
            if (e is T)
                return true;
        }
        return false;
    }

    private static Exception Innermost(Exception e)
    {
        for (var depth = 0; e.InnerException is not null && depth < 8; depth++)
            e = e.InnerException;
        return e;
    }
}
