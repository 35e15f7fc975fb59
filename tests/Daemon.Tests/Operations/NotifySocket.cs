using System.Net.Sockets;
using System.Text;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>A real unix datagram socket bound where systemd's <c>NOTIFY_SOCKET</c> would be; records every message with its arrival time.</summary>
public sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public NotifySocket(string path)
    {
        Path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(path));
    }

    public string Path { get; }

    /// <summary>Every message received so far, with the time since the socket was bound.</summary>
    public List<(TimeSpan At, string Message)> Received { get; } = [];

    /// <summary>Receives until a message satisfies <paramref name="match"/>; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                var message = Encoding.UTF8.GetString(buffer, 0, n).Trim();
                Received.Add((_clock.Elapsed, message));
                if (match(message))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();
}
