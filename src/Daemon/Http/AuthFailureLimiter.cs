using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace GpuQos.Daemon.Http;

/// <summary>
/// Counts failed authentications per source address in one-minute windows. Once an address has used its
/// failures, it is refused without a check until its window ends: guessing gets slow, and it costs the daemon
/// no bcrypt rounds. IPv6 clients are counted by their /64, which one host usually holds whole.
/// </summary>
public sealed class AuthFailureLimiter(int failuresPerMinute, TimeProvider time)
{
    private const int TrackedLimit = 10_000;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<IPAddress, Entry> _entries = new();

    /// <summary>True when <paramref name="address"/> has used its failures in the current window.</summary>
    public bool IsLimited(IPAddress? address) =>
        _entries.TryGetValue(Key(address), out var entry) && time.GetUtcNow() - entry.Start < Window && entry.Failures >= failuresPerMinute;

    /// <summary>Counts one failure of <paramref name="address"/>.</summary>
    public void RecordFailure(IPAddress? address)
    {
        var now = time.GetUtcNow();
        if (_entries.Count >= TrackedLimit)
        {
            // Bounded memory under a spray from many addresses: drop the expired windows, and all if that is not enough.
            foreach (var (key, entry) in _entries)
            {
                if (now - entry.Start >= Window)
                {
                    _entries.TryRemove(key, out _);
                }
            }

            if (_entries.Count >= TrackedLimit)
            {
                _entries.Clear();
            }
        }

        _entries.AddOrUpdate(
            Key(address),
            _ => new Entry(now, 1),
            (_, entry) => now - entry.Start >= Window ? new Entry(now, 1) : entry with { Failures = entry.Failures + 1 });
    }

    private static IPAddress Key(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    private sealed record Entry(DateTimeOffset Start, int Failures);
}
