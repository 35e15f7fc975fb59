using System.Net;
using System.Net.Sockets;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Tests.Operations;

namespace GpuQos.Daemon.Tests.Http;

/// <summary>
/// Issue 26: 100 idle keep-alive connections from one client took every slot, /healthz went unanswered and
/// Kubernetes restarted the pod (which lifted every throttle). These open the flood on loopback.
/// </summary>
public sealed class ConnectionFloodTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task IdleFlood_OfTheMainPort_ProbesAndOtherClientsStillAnswer()
    {
        await using var host = await OperationsHost.StartAsync(new WebOptions { HealthListen = "127.0.0.1:0" });
        var flood = await OpenAsync(host.BaseUri, 200);
        try
        {
            // The health listener has its own slots: the probes answer while the flood holds the main port.
            using var health = new HttpClient { BaseAddress = host.HealthUri, Timeout = Deadline };
            using var healthz = await health.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
            using var readyz = await health.GetAsync("/readyz");
            Assert.Contains(readyz.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });

            // One address holds at most its share of the main port; another client is still served there.
            var closed = await CountClosedAsync(flood, 200 - WebOptionsDefaults.MaxConnectionsPerAddress);
            Assert.Equal(200 - WebOptionsDefaults.MaxConnectionsPerAddress, closed);
            using var other = From(IPAddress.Parse("127.0.0.2"), host.BaseUri);
            using var metrics = await other.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        }
        finally
        {
            Close(flood);
        }
    }

    [Fact]
    public async Task IdleFlood_FillingEverySlotOfTheMainPort_TheHealthListenerStillAnswers()
    {
        // No per-address limit to help: the flood takes all 100 slots of 9450, and the health listener's own
        // slots are what keep the probes up.
        var web = new WebOptions { HealthListen = "127.0.0.1:0", Limits = new HttpLimitsOptions { MaxConnectionsPerAddress = 1000, KeepAliveTimeout = TimeSpan.FromMinutes(5) } };
        await using var host = await OperationsHost.StartAsync(web);
        var flood = await OpenAsync(host.BaseUri, 200);
        try
        {
            Assert.Equal(100, await CountClosedAsync(flood, 100));
            using var health = new HttpClient { BaseAddress = host.HealthUri, Timeout = Deadline };
            using var healthz = await health.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
            using var readyz = await health.GetAsync("/readyz");
            Assert.Contains(readyz.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });
        }
        finally
        {
            Close(flood);
        }
    }

    [Fact]
    public async Task PerAddressLimit_The201stConnectionIsClosed_AndASlotFreedIsUsable()
    {
        var web = new WebOptions
        {
            HealthListen = "127.0.0.1:0",
            Limits = new HttpLimitsOptions { MaxConcurrentConnections = 1000, MaxConnectionsPerAddress = 200, KeepAliveTimeout = TimeSpan.FromMinutes(5) },
        };
        await using var host = await OperationsHost.StartAsync(web);
        var held = await OpenAsync(host.BaseUri, 200);
        try
        {
            // A request on the last of the 200 is served: the 200 are accepted, not merely queued.
            Assert.Equal("200", await RequestStatusAsync(held[^1], "/healthz"));

            var extra = await OpenAsync(host.BaseUri, 1);
            Assert.Equal(1, await CountClosedAsync(extra, 1));
            Close(extra);

            Assert.Equal(0, await CountClosedAsync(held, 0, TimeSpan.FromMilliseconds(200)));
            held[0].Dispose();
            using var health = new HttpClient { BaseAddress = host.HealthUri, Timeout = Deadline };
            using var probe = await health.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
            var replacement = await WaitForServedConnectionAsync(host.BaseUri);
            replacement.Dispose();
        }
        finally
        {
            Close(held);
        }
    }

    [Fact]
    public async Task HealthListener_ServesOnlyTheProbes()
    {
        await using var host = await OperationsHost.StartAsync(new WebOptions { HealthListen = "127.0.0.1:0" });
        using var health = new HttpClient { BaseAddress = host.HealthUri, Timeout = Deadline };

        using var state = await health.GetAsync("/api/v1/state");
        using var metrics = await health.GetAsync("/metrics");
        using var healthz = await health.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.NotFound, state.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
    }

    /// <summary>Opens <paramref name="count"/> idle connections; one reset while connecting (refused by the server) is left disconnected.</summary>
    private static async Task<Socket[]> OpenAsync(Uri uri, int count)
    {
        var sockets = new Socket[count];
        for (var i = 0; i < count; i++)
        {
            sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await sockets[i].ConnectAsync(IPAddress.Loopback, uri.Port);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
            {
                // Refused: counted as closed below.
            }
        }

        return sockets;
    }

    /// <summary>Waits (up to the deadline) until at least <paramref name="expected"/> sockets are closed by the server; returns how many are.</summary>
    private static async Task<int> CountClosedAsync(Socket[] sockets, int expected, TimeSpan? within = null)
    {
        var closed = new bool[sockets.Length];
        var until = DateTime.UtcNow + (within ?? Deadline);
        do
        {
            for (var i = 0; i < sockets.Length; i++)
            {
                closed[i] = closed[i] || IsClosed(sockets[i]);
            }

            if (closed.Count(c => c) >= expected && expected > 0)
            {
                break;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < until);

        return closed.Count(c => c);
    }

    private static bool IsClosed(Socket socket)
    {
        if (!socket.Connected)
        {
            return true;
        }

        try
        {
            // Readable with nothing to read is the peer's FIN; a reset throws.
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static async Task<string> RequestStatusAsync(Socket socket, string path)
    {
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        var buffer = new byte[1024];
        using var cts = new CancellationTokenSource(Deadline);
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        var line = System.Text.Encoding.ASCII.GetString(buffer, 0, n).Split("\r\n")[0];
        return line.Split(' ')[1];
    }

    private static async Task<Socket> WaitForServedConnectionAsync(Uri uri)
    {
        // The server notices the freed slot when it reads the FIN, so try until a new connection is served.
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var socket = (await OpenAsync(uri, 1))[0];
            try
            {
                if (await RequestStatusAsync(socket, "/healthz") == "200")
                {
                    return socket;
                }
            }
            catch (Exception ex) when (ex is SocketException or IndexOutOfRangeException or OperationCanceledException)
            {
                // Closed: the slot was not free yet.
            }

            socket.Dispose();
            Assert.True(DateTime.UtcNow < until, "no connection was served after a slot was freed");
            await Task.Delay(100);
        }
    }

    private static HttpClient From(IPAddress source, Uri target) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(IPAddress.Loopback, target.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    {
        BaseAddress = target,
        Timeout = Deadline,
    };

    private static void Close(Socket[] sockets)
    {
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }
    }
}
