using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// A metrics endpoint on a loopback port of its own, over a real socket: answers each GET with what
/// <see cref="Page"/> returns, after <see cref="Delay"/>, or with <see cref="Status"/>.
/// </summary>
internal sealed class LoopbackMetrics : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private int _requests;

    public LoopbackMetrics(Func<string> page)
    {
        Page = page;
        _listener.Start();
        _serving = ServeAsync();
    }

    public Func<string> Page { get; set; }

    public TimeSpan Delay { get; set; }

    public int Status { get; set; } = 200;

    public int Requests => Volatile.Read(ref _requests);

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/metrics");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
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

            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII);
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token)))
                {
                }

                Interlocked.Increment(ref _requests);
                await Task.Delay(Delay, _stop.Token);
                var body = Encoding.UTF8.GetBytes(Page());
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {Status} X\r\nContent-Type: text/plain; version=0.0.4\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head, _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
                // The reader gave up (timeout, size cap) or the server is stopping.
            }
        }
    }
}
