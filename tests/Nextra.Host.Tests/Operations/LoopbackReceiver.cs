using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Nextra.Host.Tests.Operations;

/// <summary>A request a <see cref="LoopbackReceiver"/> took.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) that records every request and answers with
/// <see cref="Status"/> (an OTLP collector, a webhook or Slack endpoint in the tests).
/// </summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackReceiver()
    {
        for (var tries = 0; ; tries++)
        {
            var port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                BaseUrl = $"http://127.0.0.1:{port}";
                break;
            }
            catch (HttpListenerException) when (tries < 5)
            {
            }
        }
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; private set; } = "";
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();
    /// <summary>The status every request is answered with (a failing endpoint answers 500).</summary>
    public int Status { get; set; } = 200;
    /// <summary>How long each answer waits (a slow API a flow calls).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Polls until <paramref name="done"/> holds over the requests so far, or fails after <paramref name="seconds"/>.</summary>
    public async Task<List<ReceivedRequest>> WaitForAsync(Func<List<ReceivedRequest>, bool> done, int seconds = 60)
    {
        var until = Environment.TickCount64 + seconds * 1000L;
        while (true)
        {
            var seen = Requests.ToList();
            if (done(seen)) return seen;
            if (Environment.TickCount64 > until) throw new TimeoutException($"the receiver saw {seen.Count} request(s), not what the test waited for");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                continue;
            }
            _ = Task.Run(() => AnswerAsync(ctx));
        }
    }

    private async Task AnswerAsync(HttpListenerContext ctx)
    {
        try
        {
            using var body = new MemoryStream();
            await ctx.Request.InputStream.CopyToAsync(body);
            var headers = ctx.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => ctx.Request.Headers[k!] ?? "", StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new ReceivedRequest(ctx.Request.HttpMethod, ctx.Request.Url!.AbsolutePath, headers, body.ToArray()));
            if (Delay > TimeSpan.Zero) await Task.Delay(Delay);
            ctx.Response.StatusCode = Status;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.OutputStream.WriteAsync("{}"u8.ToArray());
            ctx.Response.Close();
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }
}
