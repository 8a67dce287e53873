using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nextra.Host.Tests.Runs;

/// <summary>
/// An HTTP server on loopback that answers every request 200 after a delay; gated, it holds every request past
/// those <see cref="Allow"/> let through (requests held for a killed server die with their connection) until <see cref="Open"/>.
/// </summary>
internal sealed class SlowHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private long _arrivals;
    private long _allowed;
    private volatile bool _gated;

    public SlowHttpServer(TimeSpan delay, bool gated = false)
    {
        _gated = gated;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(() => ServeAsync(client, delay));
            }
        });
    }

    public int Port { get; }

    /// <summary>Requests received so far (counted when their headers are read, before the gate and the delay).</summary>
    public long Requests => Interlocked.Read(ref _arrivals);

    /// <summary>Lets the next <paramref name="requests"/> requests to arrive through.</summary>
    public void Allow(int requests) => Interlocked.Exchange(ref _allowed, Interlocked.Read(ref _arrivals) + requests);

    public void Open() => _gated = false;

    public long Allowed => Interlocked.Read(ref _allowed);

    /// <summary>Waits until a request is held by the gate (or 60 s).</summary>
    public async Task WaitForRequestAsync()
    {
        for (var i = 0; i < 3000 && Interlocked.Read(ref _arrivals) <= Interlocked.Read(ref _allowed); i++) await Task.Delay(20);
    }

    private async Task ServeAsync(TcpClient client, TimeSpan delay)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token))) { }
                var number = Interlocked.Increment(ref _arrivals);
                while (_gated && number > Interlocked.Read(ref _allowed)) await Task.Delay(20, _stop.Token);
                await Task.Delay(delay, _stop.Token);
                var body = "{\"ok\":true}";
                var response = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
