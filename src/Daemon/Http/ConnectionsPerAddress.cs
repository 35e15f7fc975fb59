using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace GpuQos.Daemon.Http;

/// <summary>
/// Kestrel connection middleware that lets one source address hold at most <c>limit</c> connections on a
/// listener, and closes the next at once. Kestrel's own limit counts all clients together, so without this one
/// client with idle keep-alive connections could take every slot and starve the scrapers and the probes.
/// </summary>
public sealed partial class ConnectionsPerAddress(int limit, ILogger<ConnectionsPerAddress> logger)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();
    private long _refused;

    /// <summary>Connections closed because their address held the limit already.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Connections open now from <paramref name="address"/>.</summary>
    public int OpenFrom(IPAddress address) => _open.TryGetValue(address, out var n) ? n : 0;

    /// <summary>Wraps a listener's connection pipeline.</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (_open.AddOrUpdate(address, 1, (_, n) => n + 1) > limit)
        {
            Release(address);
            if (Interlocked.Increment(ref _refused) % 100 == 1)
            {
                // Once per hundred: a flood must not turn into a flood of log lines.
                LogRefused(address, limit);
            }

            connection.Abort(new ConnectionAbortedException($"more than {limit} connections from {address}"));
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Release(address);
        }
    };

    private void Release(IPAddress address)
    {
        // Remove the entry when it reaches zero, so that the table holds only addresses with open connections.
        while (_open.TryGetValue(address, out var n))
        {
            if (n <= 1 ? _open.TryRemove(new KeyValuePair<IPAddress, int>(address, n)) : _open.TryUpdate(address, n - 1, n))
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 8120, Level = LogLevel.Warning, Message = "Closed a connection from {Address}: it holds {Limit} already (web.limits.maxConnectionsPerAddress); logged once per 100")]
    private partial void LogRefused(IPAddress address, int limit);
}
