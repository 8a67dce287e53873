using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nextra.Host.Tests.Runs;

/// <summary>An HTTP server on loopback that answers every request 200 after a delay.</summary>
internal sealed class SlowHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public SlowHttpServer(TimeSpan delay)
    {
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

    /// <summary>Requests received so far (counted when their headers are read, before the delay).</summary>
    public int Requests => Volatile.Read(ref _requests);
    private int _requests;

    private async Task ServeAsync(TcpClient client, TimeSpan delay)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token))) { }
                Interlocked.Increment(ref _requests);
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
