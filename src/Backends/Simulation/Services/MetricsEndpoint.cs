using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GpuQos.Backends.Simulation.Services;

/// <summary>
/// A simulated service's own metrics endpoint: a minimal HTTP/1.1 server on a loopback port that answers
/// <c>GET /metrics</c> with the page its render function produces, one request per connection. It is a real
/// socket, so an objective reads it through the same scrape path as any server's.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    private const int MaxRequestBytes = 8 * 1024;
    private static readonly TimeSpan _requestTimeout = TimeSpan.FromSeconds(5);

    private readonly TcpListener _listener;
    private readonly Func<string> _render;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Binds 127.0.0.1:<paramref name="port"/> (0: any free port) and starts serving.</summary>
    public MetricsEndpoint(int port, Func<string> render)
    {
        _render = render;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Address = (IPEndPoint)_listener.LocalEndpoint;
        _ = AcceptAsync();
    }

    /// <summary>The address it listens on.</summary>
    public IPEndPoint Address { get; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client, ct);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(_requestTimeout);
        try
        {
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream, timeout.Token).ConfigureAwait(false);
            var line = head[..Math.Max(0, head.IndexOf('\r', StringComparison.Ordinal))];
            var (status, type, body) = line.StartsWith("GET /metrics ", StringComparison.Ordinal) || line.StartsWith("GET /metrics?", StringComparison.Ordinal)
                ? ("200 OK", "text/plain; version=0.0.4; charset=utf-8", _render())
                : ("404 Not Found", "text/plain; charset=utf-8", "only GET /metrics is served\n");
            var bytes = Encoding.UTF8.GetBytes(body);
            var header = Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: {type}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(header, timeout.Token).ConfigureAwait(false);
            await stream.WriteAsync(bytes, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
        {
            // A client that went away or sent garbage costs its own connection only.
        }
    }

    // The request line and headers, up to the blank line; the server needs nothing more of a GET.
    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                return Encoding.ASCII.GetString(buffer, 0, length);
            }
        }

        throw new InvalidDataException("the request head did not end within 8 KiB");
    }
}
